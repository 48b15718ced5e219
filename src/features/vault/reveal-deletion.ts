import type { MultiFernet } from "../../crypto/fernet.js";
import type { Db, DbOrTx } from "../../db.js";
import { PermanentJobError, type JobHandler, type JobQueue } from "../../jobs/job-types.js";
import { postToResponseUrl, ResponseUrlError } from "../../slack/response-url.js";
import type { RevealDeletions } from "./reveal-once.js";

// The reveal goes out through the click's response_url only: an ephemeral message is seen by
// the clicker alone and is not stored in the channel's history. With Slack, delete_original
// removes the message whose button was clicked, never a later answer; so the reveal REPLACES
// the clicked (ephemeral) message, and delete_original on the same URL removes the reveal.
//
// The deletion is a job stored in the claim's transaction (so it exists before the secret is
// sent, and outlives any process): any replica deletes it when due, and a stopping replica
// deletes its own early. The URL is a bearer credential (whoever holds it can post as the
// bot for 30 minutes), so the job holds it Fernet-encrypted and nothing ever logs it.

export const REVEAL_DELETE_JOB = "vault.reveal-delete";

/** Slack honours a response_url for 30 minutes after the click; kept a minute short of that. */
export const RESPONSE_URL_DEADLINE_MS = 29 * 60_000;
/**
 * A response_url takes 5 posts. The reveal took one and an error reply may take another; the
 * deletion may use the rest (a timed-out attempt may have counted).
 */
export const DELETE_ATTEMPTS = 3;

/** Inside the claim's transaction: the revealed message is deleted `ttlSeconds` from now. */
export function scheduleRevealDeletion(
  tx: DbOrTx,
  deps: { jobs: Pick<JobQueue, "enqueue">; fernet: MultiFernet },
  reveal: { requestId: string; responseUrl: string; ttlSeconds: number },
): Promise<string | null> {
  return deps.jobs.enqueue(tx, {
    kind: REVEAL_DELETE_JOB,
    payload: { requestId: reveal.requestId, responseUrl: deps.fernet.encrypt(reveal.responseUrl) },
    delayMs: reveal.ttlSeconds * 1000,
    maxAttempts: DELETE_ATTEMPTS,
    deadlineMs: RESPONSE_URL_DEADLINE_MS,
    dedupeKey: reveal.requestId,
  });
}

/** Slack refused the reveal outright (nothing was shown): there is nothing to delete. */
export function cancelRevealDeletion(tx: DbOrTx, jobs: Pick<JobQueue, "cancel">, requestId: string): Promise<boolean> {
  return jobs.cancel(tx, REVEAL_DELETE_JOB, requestId);
}

/** The deletions `Reveal once` schedules, for this process's database and key. */
export function revealDeletions(deps: { db: Db; jobs: JobQueue; fernet: MultiFernet; ttlSeconds: number }): RevealDeletions {
  return {
    schedule: (tx, requestId, responseUrl) => scheduleRevealDeletion(tx, deps, { requestId, responseUrl, ttlSeconds: deps.ttlSeconds }),
    cancel: (requestId) => cancelRevealDeletion(deps.db, deps.jobs, requestId),
  };
}

export function revealDeletionJob(deps: { fernet: MultiFernet; timeoutMs?: number }): JobHandler {
  return {
    kind: REVEAL_DELETE_JOB,
    concurrency: 4,
    runEarlyOnStop: true,
    // Quick retries: the whole budget is a few attempts inside the URL's 30 minutes.
    backoff: { baseMs: 2_000, factor: 3, maxMs: 60_000 },
    async run(job) {
      if (job.deadlineAt && Date.now() > job.deadlineAt.getTime()) throw new PermanentJobError("the response_url has expired");
      let url: string;
      try {
        url = deps.fernet.decryptString(String(job.payload.responseUrl));
      } catch {
        throw new PermanentJobError("the stored response_url opens with no configured key");
      }
      try {
        await postToResponseUrl(url, { delete_original: true }, { timeoutMs: deps.timeoutMs });
      } catch (e) {
        // A 4xx will not change on retry (message gone, URL used up or expired); anything else might.
        if (e instanceof ResponseUrlError && e.status < 500) throw new PermanentJobError(e.message);
        throw e;
      }
    },
  };
}
