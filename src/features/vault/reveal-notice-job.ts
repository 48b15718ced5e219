import type { DbOrTx } from "../../db.js";
import type { JobHandler, JobQueue } from "../../jobs/job-types.js";
import type { RevealNotifier } from "./reveal-notify.js";
import type { RevealService } from "./reveal-service.js";

// Approval expiry notices: when the sweep expires requests, the messages about them (approval
// prompts, the requester's DM) must lose their buttons and say so. Each update is a job stored
// with the expiry itself, so a crash between the two cannot leave a live-looking prompt behind.

export const REQUEST_NOTICE_JOB = "vault.request-notice";

/** In the transaction that changed these requests: their messages are brought up to date. */
export async function enqueueRequestNotices(tx: DbOrTx, jobs: Pick<JobQueue, "enqueue">, requestIds: readonly string[], why: string): Promise<void> {
  for (const id of requestIds) {
    await jobs.enqueue(tx, { kind: REQUEST_NOTICE_JOB, payload: { requestId: id }, dedupeKey: `${id}:${why}`, maxAttempts: 3 });
  }
}

export function requestNoticeJob(deps: { reveal: Pick<RevealService, "view">; notify: Pick<RevealNotifier, "refresh"> }): JobHandler {
  return {
    kind: REQUEST_NOTICE_JOB,
    concurrency: 4,
    async run(job) {
      const v = await deps.reveal.view(String(job.payload.requestId));
      // Re-rendered from the row as it is now, so a late or repeated run shows the truth.
      if (v) await deps.notify.refresh(v);
    },
  };
}
