import type { Pool } from "../db.js";
import type { Actor } from "../identity/actor.js";
import type { Logger } from "../logger.js";
import type { BotMetrics } from "../metrics/metrics.js";
import { AUDIT_INSERT_SQL, auditRowsJson } from "./audit-service.js";
import type { AuditEntry } from "./audit-fns.js";

export type AuditBatcher = {
  /** Resolves once the row has committed; the caller answers the user only then. */
  record(actor: Actor, entry: AuditEntry): Promise<void>;
  /** Waits for every queued row (shutdown). */
  drain(): Promise<void>;
};

type Pending = { actor: Actor; entry: AuditEntry; done: (e?: unknown) => void };

/**
 * Group commit for rows that describe no change (VIEW rows, refusals). Every audit insert
 * takes the chain head's row lock, so concurrent single-row inserts queue behind each other;
 * here at most one multi-row INSERT is in flight and the rows that arrive meanwhile go in the
 * next one. A lone row goes at once (no batching delay at low load). If a batch fails, its
 * rows are retried one by one, so one bad row costs only itself.
 */
export function createAuditBatcher(deps: { pool: Pool; logger: Logger; metrics: Pick<BotMetrics, "auditRows">; maxBatch?: number }): AuditBatcher {
  const maxBatch = deps.maxBatch ?? 500;
  let queue: Pending[] = [];
  let inFlight: Promise<void> | null = null;

  const insert = async (rows: readonly Pending[]) => {
    await deps.pool.query({ name: "wl_audit_batch", text: AUDIT_INSERT_SQL, values: [auditRowsJson(rows)] });
    deps.metrics.auditRows("batch", rows.length);
  };

  async function flushLoop(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      try {
        await insert(batch);
        for (const p of batch) p.done();
      } catch (e) {
        if (batch.length === 1) {
          batch[0]!.done(e);
          continue;
        }
        deps.logger.warn({ err: e, rows: batch.length }, "audit batch failed; retrying its rows one by one");
        for (const p of batch)
          await insert([p]).then(
            () => p.done(),
            (err: unknown) => p.done(err),
          );
      }
    }
    inFlight = null;
  }

  return {
    record(actor, entry) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ actor, entry, done: (e) => (e === undefined ? resolve() : reject(e)) });
        inFlight ??= flushLoop();
      });
    },
    async drain() {
      while (inFlight) await inFlight;
    },
  };
}
