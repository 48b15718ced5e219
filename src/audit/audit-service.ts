import type { Actor } from "../identity/actor.js";
import type { Db, DbOrTx, Tx } from "../db.js";
import { clip, type AuditEntry } from "./audit-fns.js";

export type { AuditEntry };

/**
 * Writes audit rows inside the caller's transaction: the change and its record commit together.
 * One INSERT … SELECT FROM jsonb_to_recordset however many rows: no per-row round trips, and
 * no implicit transaction around it when called outside one.
 */
export async function writeAudit(tx: DbOrTx, actor: Actor, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries as AuditEntry];
  if (list.length === 0) return;
  const rows = list.map((e) => ({
    target_model: clip(e.targetModel, 50),
    target_id: e.targetId,
    target_display: clip(e.targetDisplay || "(unnamed)", 200),
    action_type: e.action,
    changes: e.changes ?? {},
    notes: e.notes ?? null,
  }));
  await tx.$executeRaw`
    INSERT INTO studio_crm_auditlog (id, "timestamp", user_id, user_email, action_type, target_model, target_id, target_display, changes, notes, slack_user_id, slack_team_id)
    SELECT gen_random_uuid(), now(), ${actor.userId}::int, ${clip(actor.email, 254)}, r.action_type, r.target_model, r.target_id::uuid, r.target_display,
           coalesce(r.changes, '{}'::jsonb), r.notes, ${actor.slackUserId}, ${actor.slackTeamId}
      FROM jsonb_to_recordset(${JSON.stringify(rows, pgSafe)}::jsonb)
        AS r(action_type text, target_model text, target_id text, target_display text, changes jsonb, notes text)`;
}

/** jsonb refuses NUL and lone surrogates; an audit row must never fail over what a user typed. */
function pgSafe(_key: string, v: unknown): unknown {
  // Lone surrogates become U+FFFD (what String.prototype.toWellFormed does on newer targets).
  return typeof v === "string" ? v.replace(/\u0000/g, "").replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd") : v;
}

/**
 * The one way to make a change: `work` runs in a transaction and returns its result with the
 * audit rows describing it; both commit or neither does. Slack posts and AI calls belong
 * after this returns, never inside `work`.
 */
export async function audited<T>(
  db: Db,
  actor: Actor,
  work: (tx: Tx) => Promise<{ result: T; audit: AuditEntry | readonly AuditEntry[] }>,
  opts: { timeoutMs?: number; maxWaitMs?: number } = {},
): Promise<T> {
  return db.$transaction(
    async (tx) => {
      const { result, audit } = await work(tx);
      await writeAudit(tx, actor, audit);
      return result;
    },
    { timeout: opts.timeoutMs ?? 10_000, maxWait: opts.maxWaitMs ?? 5_000 },
  );
}
