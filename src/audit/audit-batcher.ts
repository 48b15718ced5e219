import { randomUUID } from "node:crypto";
import { answerLost, type Pool } from "../db.js";
import type { Actor } from "../identity/actor.js";
import type { Logger } from "../logger.js";
import type { BotMetrics } from "../metrics/metrics.js";
import { AUDIT_INSERT_ONCE_SQL, AUDIT_INSERT_SQL, auditRowsJson } from "./audit-service.js";
import type { AuditEntry } from "./audit-fns.js";
import { createGroupCommit } from "../lib/group-commit.js";

export type AuditBatcher = {
  /** Resolves once the row has committed; the caller answers the user only then. */
  record(actor: Actor, entry: AuditEntry): Promise<void>;
  /** Waits for every queued row (shutdown). */
  drain(): Promise<void>;
};

/**
 * Group commit for rows that describe no change (VIEW rows, refusals). Every audit insert
 * takes the chain head's row lock, so concurrent single-row inserts queue behind each other;
 * through createGroupCommit, at most one multi-row INSERT is in flight and the rows that arrive
 * meanwhile go in the next one. Each row's id is chosen when it is recorded, so a batch written
 * again after its answer was lost (a dropped connection after the commit) stores each row once.
 */
export function createAuditBatcher(deps: { pool: Pool; logger: Logger; metrics: Pick<BotMetrics, "auditRows">; maxBatch?: number }): AuditBatcher {
  const rows = createGroupCommit<{ id: string; actor: Actor; entry: AuditEntry }, void>({
    maxBatch: deps.maxBatch ?? 500,
    async write(batch, again) {
      const text = again ? AUDIT_INSERT_ONCE_SQL : AUDIT_INSERT_SQL;
      await deps.pool.query({ name: again ? "wl_audit_batch_once" : "wl_audit_batch", text, values: [auditRowsJson(batch)] });
      deps.metrics.auditRows("batch", batch.length);
      return [];
    },
    onBatchFailed: (err, size) => deps.logger.warn({ err, rows: size }, "audit batch failed; retrying its rows one by one"),
    answerLost,
  });
  return { record: (actor, entry) => rows.submit({ id: randomUUID(), actor, entry }), drain: () => rows.drain() };
}
