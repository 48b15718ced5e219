import type { KnownBlock } from "@slack/types";
import { ACTIONS, LABELS } from "../../slack/ids.js";
import { esc, LIMITS, plain, truncate } from "../../slack/mrkdwn.js";
import type { AuditPage, AuditRow } from "./audit-query-service.js";
import { whatHappened } from "./audit-words.js";

// The audit page as Slack blocks. Pure. Audit rows should never hold a secret, but this is the
// one screen that prints them: rows the Django app (or a past bug) wrote are masked here too.

/** The vault's four encrypted fields, in both spellings, and anything named like a secret. */
const SECRET_FIELD = /^(login_?url|password|two_?factor_?backup_?codes|api_?keys)$|pass(word|wd)|secret|token|api[-_ ]?key|2fa|otp|backup[-_ ]?code/i;
const FERNET_TOKEN = /gAAAAA[A-Za-z0-9_=-]{40,}/g;

const LINE_MAX = 300;
const MAX_FIELDS = 6;

export type AuditPageButton = { c: string | null; a: string; p: number };

function value(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "string") return truncate(v.replace(FERNET_TOKEN, "[encrypted]").replace(/\s+/g, " "), 40);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.length === 0 ? "[]" : `[${v.length} item${v.length === 1 ? "" : "s"}]`;
  return "{…}";
}

/** `field: from → to; other changed` from the `changes` JSON, secrets shown only as changed. */
export function summariseChanges(changes: unknown): string {
  if (!changes || typeof changes !== "object" || Array.isArray(changes)) return "";
  const entries = Object.entries(changes as Record<string, unknown>);
  const parts = entries.slice(0, MAX_FIELDS).map(([k, v]) => {
    if (SECRET_FIELD.test(k)) return `${k} changed`;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if ("from" in o || "to" in o) return `${k}: ${value(o.from)} → ${value(o.to)}`;
      if (o.changed === true) return `${k} changed`;
    }
    return `${k}: ${value(v)}`;
  });
  if (entries.length > MAX_FIELDS) parts.push(`+${entries.length - MAX_FIELDS} more`);
  return parts.join("; ");
}

/** One line: when, who, action, target, what changed. */
export function auditLine(r: AuditRow): string {
  const unix = Math.floor(r.timestamp.getTime() / 1000);
  const fallback = `${r.timestamp.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const summary = summariseChanges(r.changes);
  const cleanNotes = r.notes ? r.notes.replace(FERNET_TOKEN, "[encrypted]").replace(/\s+/g, " ") : null;
  const said = whatHappened({ ...r, notes: cleanNotes }, `“${truncate(r.targetDisplay, 60)}”`);
  const notes = said.notes ? truncate(said.notes, 80) : "";
  const body = [`${r.userEmail}`, said.what, ...(summary ? [summary] : []), ...(notes ? [`(${notes})`] : [])].join(" · ");
  return `<!date^${unix}^{date_short_pretty} {time}|${fallback}> · ${esc(truncate(body, LINE_MAX))}`;
}

/** Lines packed into sections of at most 3,000 characters. */
function packLines(lines: string[]): string[] {
  const out: string[] = [];
  let cur = "";
  for (const l of lines) {
    const line = truncate(l, LIMITS.sectionText);
    if (cur && cur.length + 1 + line.length > LIMITS.sectionText) {
      out.push(cur);
      cur = line;
    } else {
      cur = cur ? `${cur}\n${line}` : line;
    }
  }
  if (cur) out.push(cur);
  return out;
}

export function auditPageBlocks(page: AuditPage): { text: string; blocks: KnownBlock[]; replace_original?: boolean } {
  const title = page.scope.kind === "creator" ? `Audit trail: ${page.scope.brandName} (${page.scope.creatorName})` : "Audit log: everything";
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: plain(title, LIMITS.headerText) } },
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: `Newest first · page ${page.pageNumber} · times in your time zone · secrets are never shown` }],
    },
  ];
  if (page.rows.length === 0) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: page.pageNumber === 1 ? "No audit entries yet." : "No older entries." } });
  } else {
    for (const s of packLines(page.rows.map(auditLine)).slice(0, LIMITS.messageBlocks - 4)) {
      blocks.push({ type: "section", text: { type: "mrkdwn", text: s } });
    }
  }
  if (page.nextCursor) {
    const v: AuditPageButton = { c: page.scope.kind === "creator" ? page.scope.creatorId : null, a: page.nextCursor, p: page.pageNumber + 1 };
    blocks.push({
      type: "actions",
      block_id: "audit_pages",
      elements: [{ type: "button", action_id: ACTIONS.auditPage, text: { type: "plain_text", text: LABELS.next }, value: JSON.stringify(v) }],
    });
  }
  return { text: esc(title), blocks };
}
