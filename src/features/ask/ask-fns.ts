import { stripUnstorable } from "../creators/creator-fns.js";
import type { CreatorLabel } from "./ask-reader.js";
import type { AskRun } from "./ask-types.js";

// Pure rules of `/wl ask`: what a question may be, what counts as asking for secrets, how a
// model's citations map to creators it was really shown, and what the audit row says.

export const ASK_USAGE = "ask <question>";

/** The marker the model writes where it names a creator (see ask-prompt.ts). */
export const CITE_MARKER = /\[\[creator:([^\]\s]{0,64})\]\]/gi;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The question as typed, minus what Postgres or Slack would choke on; or why it is not one. */
export function parseQuestion(raw: string, maxChars: number): { question: string } | { error: "empty" | "too_long" } {
  const q = stripUnstorable(raw)
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!q) return { error: "empty" };
  if (Array.from(q).length > maxChars) return { error: "too_long" };
  return { question: q };
}

/**
 * Questions that ask for credentials are declined before any model call: the tools cannot
 * reach a secret anyway, and saying so plainly beats a model's guess at what went wrong.
 */
const CREDENTIAL_WORDS =
  /\b(pass(?:word|code|phrase)s?|pwd|2fa|mfa|otp|two[- ]?factor|(?:backup|recovery) codes?|api[- _]?keys?|access[- _]?tokens?|secrets?|credentials?|creds|vault|log[- ]?in (?:url|details|info)|sign[- ]?in details)\b/i;

export const asksForCredentials = (question: string): boolean => CREDENTIAL_WORDS.test(question);

/** A question declined before any model call: nothing looked up, nothing spent. */
export const credentialsDeclined = (): AskRun => ({ kind: "credentials", calls: [], seen: new Map(), usage: { inputTokens: 0, outputTokens: 0 } });

/** The system prompt's decline sentinel (ask-prompt.ts), anywhere at a line start. */
export const isOutOfScope = (text: string): boolean => /(^|\n)\s*OUT_OF_SCOPE\b/.test(text);

const clean = (s: string, max: number) => {
  const chars = Array.from(s.replace(/[\u0000-\u001f\u007f]/g, " "));
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join("");
};

/** A tool call's arguments for the audit row: keys and short values, never more. */
export function summariseArgs(input: unknown): string {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return "(not an object)";
  const entries = Object.entries(input as Record<string, unknown>);
  const parts = entries.slice(0, 8).map(([k, v]) => {
    const key = clean(k, 30);
    if (typeof v === "string") return `${key}=${JSON.stringify(clean(v, 40))}`;
    if (typeof v === "number" || typeof v === "boolean" || v === null) return `${key}=${clean(String(v), 24)}`;
    return `${key}=${Array.isArray(v) ? "[…]" : "{…}"}`;
  });
  if (entries.length > 8) parts.push("…");
  return parts.join(", ");
}

/**
 * JSON for the model within `max` characters: rows are dropped from the end of the longest
 * list (marked `truncated`) rather than cutting the text, so the model never reads half a row
 * and never an id it could mistake for a whole one.
 */
export function fitJson(data: Record<string, unknown>, max: number): string {
  let json = JSON.stringify(data);
  if (json.length <= max) return json;
  const copy: Record<string, unknown> = { ...data };
  for (const [k, v] of Object.entries(copy)) if (Array.isArray(v)) copy[k] = [...v];
  for (;;) {
    const lists = Object.entries(copy).filter((e): e is [string, unknown[]] => Array.isArray(e[1]) && e[1].length > 0);
    if (lists.length === 0) break;
    const [, longest] = lists.reduce((a, b) => (JSON.stringify(b[1]).length > JSON.stringify(a[1]).length ? b : a));
    longest.pop();
    copy.truncated = true;
    json = JSON.stringify(copy);
    if (json.length <= max) return json;
  }
  return JSON.stringify({ error: "The result was too large to return; ask for fewer rows." });
}

/**
 * The creators an answer cites, in order of first mention: its markers, then brand names
 * written out. Only creators a tool returned in this conversation count; an id the model made
 * up, or a brand it was never shown, cites nothing.
 */
export function citedCreators(text: string, seen: ReadonlyMap<string, CreatorLabel>): CreatorLabel[] {
  const hits: { at: number; id: string }[] = [];
  for (const m of text.matchAll(CITE_MARKER)) {
    const id = (m[1] ?? "").toLowerCase();
    if (UUID.test(id) && seen.has(id)) hits.push({ at: m.index, id });
  }
  // Longest brands first, so "Glow Co" is not also cited as "Glow" for the same words.
  const taken: [number, number][] = [];
  const brands = [...seen.values()].filter((c) => c.brandName.trim().length >= 3).sort((a, b) => b.brandName.length - a.brandName.length);
  for (const c of brands) {
    let from = 0;
    for (;;) {
      const at = text.indexOf(c.brandName, from);
      if (at < 0) break;
      const end = at + c.brandName.length;
      from = end;
      if (taken.some(([s, e]) => at < e && end > s)) continue;
      taken.push([at, end]);
      hits.push({ at, id: c.id });
      break;
    }
  }
  const out: CreatorLabel[] = [];
  for (const h of hits.sort((a, b) => a.at - b.at)) if (!out.some((c) => c.id === h.id)) out.push(seen.get(h.id)!);
  return out;
}

const OUTCOME: Record<AskRun["kind"], (r: AskRun) => string> = {
  answered: () => "answered",
  out_of_scope: () => "declined: out of scope",
  credentials: () => "declined: asked for credentials (no model call)",
  exhausted: (r) => `stopped: ${r.kind === "exhausted" && r.reason === "tokens" ? "token budget" : "tool rounds"} used up`,
  failed: (r) => `failed: ${r.kind === "failed" ? r.message : ""}`,
};

/** The audit row's notes: the question, each tool used with its arguments, how it ended. Never the data returned. */
export function auditNotes(question: string, run: AskRun, cited: readonly CreatorLabel[], maxChars = 2_000): string {
  const calls = run.calls.map((c) => `${c.name}(${c.args})${c.ok ? "" : " → error"}`);
  const parts = [
    `asked: ${JSON.stringify(clean(question, 500))}`,
    `tools (${run.calls.length}): ${calls.length ? calls.join("; ") : "none"}`,
    OUTCOME[run.kind](run),
  ];
  if (cited.length) parts.push(`cited ${cited.length}: ${cited.map((c) => clean(c.brandName, 60)).join(", ")}`);
  if (run.usage.inputTokens || run.usage.outputTokens) parts.push(`tokens: ${run.usage.inputTokens} in, ${run.usage.outputTokens} out`);
  return clean(parts.join(" · "), maxChars);
}
