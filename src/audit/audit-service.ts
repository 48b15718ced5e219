import type { Actor } from "../identity/actor.js";
import type { Db, DbOrTx, Tx } from "../db.js";
import { clip, type AuditEntry } from "./audit-fns.js";

export type { AuditEntry };

/** Writes audit rows inside the caller's transaction: the change and its record commit together. */
export async function writeAudit(tx: DbOrTx, actor: Actor, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries as AuditEntry];
  if (list.length === 0) return;
  await tx.auditLog.createMany({
    data: list.map((e) => ({
      userId: actor.userId,
      userEmail: clip(actor.email, 254),
      actionType: e.action,
      targetModel: clip(e.targetModel, 50),
      targetId: e.targetId,
      targetDisplay: clip(e.targetDisplay || "(unnamed)", 200),
      changes: (e.changes ?? {}) as object,
      notes: e.notes ?? null,
      slackUserId: actor.slackUserId,
      slackTeamId: actor.slackTeamId,
    })),
  });
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
