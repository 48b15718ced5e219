// Slack parses <…> as mentions, channel links and URLs, and & as an entity. Escaping these
// three characters in every piece of user text stops `<!channel>`, `<@U…>` and disguised
// links (`<https://evil|bank>`) from being injected into what the bot posts.
export function esc(text: string | null | undefined): string {
  if (text == null) return "";
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Cuts text to a Slack limit, marking the cut. Counts UTF-16 units (the stricter reading of
 * Slack's "characters"), and never splits a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Plain-text fields (headers, button labels, options) are not parsed, but have their own limits. */
export function plain(text: string | null | undefined, max = 150): string {
  return truncate((text ?? "").replace(/[\u0000-\u001f]/g, " ").trim() || "—", max);
}

export const LIMITS = {
  messageBlocks: 50,
  homeBlocks: 100,
  modalBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  contextElements: 10,
  actionsElements: 25,
} as const;
