import type { KnownBlock } from "@slack/types";
import { ACTIONS, LABELS, SLASH_COMMAND } from "../../slack/ids.js";
import { esc, LIMITS, plain, truncate } from "../../slack/mrkdwn.js";
import { fit } from "../creators/creator-blocks.js";
import { ASK_USAGE, CITE_MARKER } from "./ask-fns.js";
import type { CreatorLabel } from "./ask-reader.js";
import type { AskRun } from "./ask-types.js";

// Pure builders for `/wl ask`. The model's text is untrusted like user text (it can echo a
// brand name someone typed as `<!channel>`): it is escaped before anything else, and only
// then are citation markers turned into brand names the bot itself read from the database.

export type Message = { text: string; blocks: KnownBlock[] };

export const NOT_CONFIGURED = "Ask is not configured on this bot (ANTHROPIC_API_KEY is not set). Ask an admin to set it up.";
export const USAGE = `Usage: \`${SLASH_COMMAND} ${ASK_USAGE}\`, e.g. \`${SLASH_COMMAND} ask which launch-stage creators have had no contact for two weeks?\``;
export const TOO_LONG = (max: number) => `Please keep the question under ${max} characters.`;
export const TOO_MANY_OPEN = (n: number) =>
  `You already have ${n} question${n === 1 ? "" : "s"} being answered. Wait for ${n === 1 ? "it" : "them"}, then ask again.`;

const MAX_ANSWER_SECTIONS = 3;
const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text: fit(text, LIMITS.sectionText) } });
const quote = (q: string) => `“${esc(truncate(q, 200))}”`;

export function thinking(question: string): Message {
  const text = `:hourglass_flowing_sand: Thinking about ${quote(question)}… I'll answer here, usually within a minute.`;
  return { text, blocks: [section(text)] };
}

/** The answer text as Slack mrkdwn: escaped, Markdown bold made Slack bold, markers as brand names. */
export function answerMrkdwn(text: string, seen: ReadonlyMap<string, CreatorLabel>): string {
  return esc(text)
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/^#{1,6}\s+(.+)$/gm, "*$1*")
    .replace(CITE_MARKER, (_m, id: string) => {
      const c = seen.get(id.toLowerCase());
      return c ? `*${esc(c.brandName)}*` : "_an unknown creator_";
    });
}

/** Cuts mrkdwn into sections at paragraph or line breaks, each within Slack's 3,000 characters. */
export function splitSections(text: string, max = LIMITS.sectionText, maxSections = MAX_ANSWER_SECTIONS): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest && out.length < maxSections) {
    if (rest.length <= max) {
      out.push(rest);
      rest = "";
      break;
    }
    const window = rest.slice(0, max - 1);
    const cut = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"));
    const at = cut > max / 3 ? cut : max - 1;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest && out.length) out[out.length - 1] = fit(`${out[out.length - 1]}\n…`, max);
  return out;
}

function citedBlocks(cited: readonly CreatorLabel[], max: number): KnownBlock[] {
  if (cited.length === 0) return [];
  const shown = cited.slice(0, max);
  const blocks: KnownBlock[] = [
    { type: "divider" },
    ...shown.map(
      (c): KnownBlock => ({
        type: "section",
        block_id: `ask_cite_${c.id}`,
        text: { type: "mrkdwn", text: fit(`*${esc(c.brandName)}* — ${esc(c.creatorName)}`, LIMITS.sectionText) },
        accessory: { type: "button", action_id: ACTIONS.creatorOpen, text: { type: "plain_text", text: LABELS.open }, value: c.id },
      }),
    ),
  ];
  if (cited.length > shown.length) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `…and ${cited.length - shown.length} more; \`${SLASH_COMMAND} find\` or \`${SLASH_COMMAND} list\` shows them.` }],
    });
  }
  return blocks;
}

const footer = (run: AskRun): KnownBlock => ({
  type: "context",
  elements: [
    {
      type: "mrkdwn",
      text: `Answered by Claude from the bot's read-only creator data (${run.calls.length} lookup${run.calls.length === 1 ? "" : "s"}). Check the card before acting on it.`,
    },
  ],
});

/** The answer to a question: what Claude said, and an Open button for each creator it cited and a tool returned. */
export function answerMessage(question: string, run: AskRun, cited: readonly CreatorLabel[], maxButtons: number): Message {
  const head = section(`*You asked:* ${quote(question)}`);
  const plainFallback = (t: string) => truncate(t.replace(/\s+/g, " "), 300);
  switch (run.kind) {
    case "answered":
    case "exhausted": {
      const body = answerMrkdwn(run.text, run.seen);
      const note =
        run.kind === "exhausted"
          ? `:warning: I stopped before finishing: this question needed more ${run.reason === "tokens" ? "reading" : "lookups"} than one answer may use. Try a narrower question.`
          : "";
      const sections = splitSections([body, note].filter(Boolean).join("\n\n") || note);
      const blocks = [head, ...sections.map(section), ...citedBlocks(cited, maxButtons), footer(run)].slice(0, LIMITS.messageBlocks);
      return { text: plainFallback(sections[0] ?? note), blocks };
    }
    case "out_of_scope": {
      const text =
        "I can only answer questions about the studio's creators: their journey status, health, priorities, contact and follow-up dates, tags and milestones. I can't help with anything else, and never with credentials or other secrets.";
      return { text, blocks: [head, section(text)] };
    }
    case "credentials": {
      const text = `I can't look up credentials, passwords, API keys or anything in the vault. \`${SLASH_COMMAND} creds <creator>\` lists a creator's credentials (never the secrets); a secret is shown only once, after another admin approves a reveal request.`;
      return { text, blocks: [head, section(text)] };
    }
    case "failed": {
      const text = `:warning: I couldn't answer that: ${esc(run.message)} Please try again in a minute.`;
      return { text: plain(text, 300), blocks: [head, section(text)] };
    }
  }
}

/** By DM, when the bot restarted mid-answer (the original response_url is not kept). */
export function interruptedMessage(question: string, startedAt: Date, tz: string): Message {
  const when = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(startedAt);
  const text = `Your question ${quote(question)} (asked at ${when}) was interrupted before I could answer: the bot restarted. Please ask again with \`${SLASH_COMMAND} ask\`.`;
  return { text, blocks: [section(text)] };
}
