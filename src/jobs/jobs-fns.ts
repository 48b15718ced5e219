// The queue's rules, pure and clock-free: each takes `now` (the DATABASE's clock, so replicas
// with drifting clocks agree). The conditional writes in jobs-service.ts are what decide.

export type BackoffPolicy = Readonly<{ baseMs: number; factor: number; maxMs: number }>;

/** 5 s, 15 s, 45 s, … capped at 10 minutes: a flapping dependency is not hammered. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, factor: 3, maxMs: 10 * 60_000 };

export const JOB_DEFAULTS = {
  maxAttempts: 5,
  /** A running job whose owner has not heartbeaten for this long is taken over by any replica. */
  staleAfterMs: 10_000,
  /** Well under the stale age: several missed beats in a row are still not a takeover. */
  heartbeatMs: 2_000,
  /** How often an idle worker looks for due work. */
  pollMs: 1_000,
  concurrency: 2,
} as const;

/**
 * Delay before retry number `attempt` (1 = after the first failure). `rand` in [0, 1) spreads
 * retries by ±20% so replicas that failed together do not retry in lockstep.
 */
export function backoffMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, rand = 0.5): number {
  const n = Math.max(1, Math.floor(attempt));
  const raw = Math.min(policy.maxMs, policy.baseMs * policy.factor ** (n - 1));
  return Math.round(raw * (0.8 + 0.4 * Math.min(Math.max(rand, 0), 1)));
}

export type FailureDecision = Readonly<{ action: "retry"; runAt: Date } | { action: "dead"; reason: string }>;

/** What happens after an attempt failed: retried later, or dead-lettered (never retried again). */
export function afterFailure(
  job: Readonly<{ attempts: number; maxAttempts: number; deadlineAt: Date | null }>,
  failure: Readonly<{ permanent: boolean }>,
  now: Date,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  rand = 0.5,
): FailureDecision {
  if (failure.permanent) return { action: "dead", reason: "permanent failure" };
  if (job.attempts >= job.maxAttempts) return { action: "dead", reason: `gave up after ${job.attempts} attempts` };
  const runAt = new Date(now.getTime() + backoffMs(job.attempts, policy, rand));
  // Retrying after the deadline would act on something that no longer works (an expired URL).
  if (job.deadlineAt && runAt.getTime() > job.deadlineAt.getTime()) return { action: "dead", reason: "its deadline passed" };
  return { action: "retry", runAt };
}

/**
 * The dedupe key of a cron firing: the schedule's name and the slot it fired for. node-cron
 * reports the scheduled time (not the moment the timer ran), so every replica firing the same
 * slot computes the same key, whatever its clock's drift within the slot.
 */
export function fireSlotKey(name: string, scheduledAt: Date): string {
  const slot = new Date(Math.floor(scheduledAt.getTime() / 1000) * 1000).toISOString();
  return `${name}@${slot}`;
}

/**
 * An error as it may be stored in last_error and logged: its message only (no stack, no
 * body), with any URL removed (a response_url is a bearer credential), clipped.
 */
export function safeError(e: unknown, max = 500): string {
  const raw = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  return raw.replace(/\bhttps?:\/\/\S+/gi, "[url]").slice(0, max) || "unknown error";
}
