import type { Tx } from "../../db.js";
import type { JobHandler, JobQueue } from "../../jobs/job-types.js";
import type { RevealNotifier } from "./reveal-notify.js";
import type { CreatedRequest, RevealService } from "./reveal-service.js";
import { reminderDelayMs } from "./vault-fns.js";

// A pending request reminds its approvers once, late in its wait. The job is stored with the
// request itself (same transaction), so a request that exists always has its reminder due,
// and whichever replica claims it when due sends it.

export const REQUEST_REMINDER_JOB = "vault.request-reminder";

/** In the transaction that stores the request: its reminder, due at REMINDER_AT_FRACTION of its wait. */
export async function enqueueRequestReminder(tx: Tx, jobs: Pick<JobQueue, "enqueue">, r: CreatedRequest): Promise<void> {
  const delayMs = reminderDelayMs(r.createdAt, r.expiresAt, r.now);
  if (delayMs === null) return;
  // The key is the request: one reminder job per request, however often this runs.
  await jobs.enqueue(tx, { kind: REQUEST_REMINDER_JOB, payload: { requestId: r.id }, dedupeKey: r.id, delayMs, maxAttempts: 3 });
}

export function requestReminderJob(deps: { reveal: Pick<RevealService, "markReminded">; notify: Pick<RevealNotifier, "remind"> }): JobHandler {
  return {
    kind: REQUEST_REMINDER_JOB,
    concurrency: 4,
    async run(job, ctx) {
      // The conditional write re-checks the request in the database (still pending, not
      // reminded): a decided, cancelled or expired request, or a second run, sends nothing.
      const v = await deps.reveal.markReminded(String(job.payload.requestId));
      if (!v) return;
      const sent = await deps.notify.remind(v);
      ctx.logger.info({ requestId: v.id, sent }, "reveal request reminder sent");
    },
  };
}
