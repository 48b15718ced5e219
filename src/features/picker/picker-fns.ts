import { LIMITS, plain } from "../../slack/mrkdwn.js";
import type { SlackOption } from "../../slack/router.js";
import { stripUnstorable } from "../creators/creator-fns.js";
import type { MessageRef, PickRow } from "./picker-types.js";

/** Slack shows at most 100 options per load. */
export const PICK_LIMIT = 100;
/**
 * Slack waits 3 s for an options ack, and the ack carries the options: the search gets half of
 * that (the rest is the actor lookup, the network and Slack), then the answer is an empty list.
 */
export const OPTIONS_DEADLINE_MS = 1_500;
/** A message kept as a contact note: long enough for any real message, bounded for the row. */
export const MESSAGE_TEXT_MAX = 4_000;
export const NOTE_MAX = 1_000;
/** An unsubmitted Log to creator form's draft is pruned after this. */
export const DRAFT_TTL_HOURS = 24;

/**
 * A picker option: the brand and person (archived creators marked), as plain text within
 * Slack's 75 characters; the value is the creator's id and nothing else.
 */
export function optionFor(r: PickRow): SlackOption {
  const label = `${r.brandName} (${r.creatorName})${r.isActive ? "" : " · archived"}`;
  return { text: { type: "plain_text", text: plain(label, LIMITS.optionText) }, value: r.id };
}

/**
 * The message a message shortcut carries (`message_action`): channel, ts and text. Null when
 * the payload lacks them; the channel and ts are then confirmed with Slack before use.
 */
export function messageRefOf(body: Record<string, unknown>): MessageRef | null {
  const channel = body.channel as { id?: unknown } | undefined;
  const message = body.message as { ts?: unknown; text?: unknown } | undefined;
  const channelId = typeof channel?.id === "string" ? channel.id : "";
  const messageTs = typeof message?.ts === "string" ? message.ts : typeof body.message_ts === "string" ? body.message_ts : "";
  if (!/^[CDG][A-Z0-9]{1,30}$/.test(channelId) || !/^\d{1,12}\.\d{1,9}$/.test(messageTs)) return null;
  return { channelId, messageTs, text: cleanMessageText(typeof message?.text === "string" ? message.text : "") };
}

/** User text bound for a text column: storable, bounded, never empty-looking. */
export function cleanMessageText(raw: string, max = MESSAGE_TEXT_MAX): string {
  return Array.from(stripUnstorable(raw).trim()).slice(0, max).join("");
}

/** The optional note typed in the form: null when blank. */
export function cleanNote(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const t = cleanMessageText(raw, NOTE_MAX);
  return t === "" ? null : t;
}

/**
 * Message text as Slack delivers it has `&`, `<` and `>` as entities already; decoded once, it
 * can be escaped again for display without showing `&amp;lt;` (and a real `<!channel>` then
 * shows as text instead of a mention).
 */
export function fromSlackText(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
