import type { Db } from "../../db.js";

// wl_slack_event exists so that Slack's redeliveries of an event act once. Slack retries an
// unacknowledged event three times within minutes (immediately, after 1 and after 5 minutes),
// so an event id older than an hour will never be seen again: its row only costs space.

export const SLACK_EVENT_RETENTION_MS = 60 * 60_000;
const BATCH = 5_000;

/**
 * Deletes event ids received before `now - retentionMs`, oldest first, in batches: each batch
 * is its own short statement, so a table that grew large is emptied without one long lock.
 * Safe on every replica at once (SKIP LOCKED: replicas split the rows instead of waiting).
 * Returns how many rows went.
 */
export async function pruneSlackEvents(db: Db, now: Date, opts: { retentionMs?: number; batchSize?: number } = {}): Promise<number> {
  const cutoff = new Date(now.getTime() - (opts.retentionMs ?? SLACK_EVENT_RETENTION_MS));
  const batch = opts.batchSize ?? BATCH;
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM wl_slack_event WHERE event_id IN (
        SELECT event_id FROM wl_slack_event WHERE received_at < ${cutoff}
        ORDER BY received_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)`;
    total += deleted;
    if (deleted < batch) return total;
  }
}
