import type { BackoffPolicy } from "../../jobs/jobs-fns.js";
import type { JobHandler } from "../../jobs/job-types.js";
import type { FeatureDeps } from "../types.js";
import { deliverDigest, DIGEST_DELIVER_JOB, DIGEST_PLAN_JOB, planDigest } from "./digest-run.js";

export type DigestJobOptions = {
  /** A destination's delivery is attempted at most this often in a day (a dead channel must not loop). */
  deliveryAttempts?: number;
  /** Between delivery attempts (Slack's own 429/5xx retries happen inside each attempt). */
  backoff?: BackoffPolicy;
};

export const DIGEST_JOB_DEFAULTS = { deliveryAttempts: 5, backoff: { baseMs: 30_000, factor: 2, maxMs: 10 * 60_000 } } as const;

/** The day's plan and each destination's delivery, run by whichever replica claims them. */
export function digestJobs(deps: FeatureDeps, opts: DigestJobOptions = {}): JobHandler[] {
  const deliveryAttempts = opts.deliveryAttempts ?? DIGEST_JOB_DEFAULTS.deliveryAttempts;
  return [
    {
      kind: DIGEST_PLAN_JOB,
      concurrency: 1,
      run: async (job, ctx) => void (await planDigest(deps, job, ctx, { deliveryAttempts })),
    },
    {
      kind: DIGEST_DELIVER_JOB,
      concurrency: 2,
      backoff: opts.backoff ?? DIGEST_JOB_DEFAULTS.backoff,
      run: (job, ctx) => deliverDigest(deps, job, ctx),
    },
  ];
}
