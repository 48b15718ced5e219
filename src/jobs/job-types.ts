import type { DbOrTx } from "../db.js";
import type { Logger } from "../logger.js";
import type { BackoffPolicy } from "./jobs-fns.js";

export type JobStatus = "queued" | "running" | "done" | "dead" | "cancelled";

/** What a feature asks for: stored by `enqueue` inside the caller's transaction. */
export type JobSpec = Readonly<{
  kind: string;
  /** JSON only, never a secret in clear (encrypt a bearer credential first). */
  payload: Record<string, unknown>;
  /** Not before this many milliseconds from now, by the database's clock. */
  delayMs?: number;
  /** Attempts before the job is dead-lettered (default 5). */
  maxAttempts?: number;
  /** A second enqueue with the same (kind, dedupeKey) is a no-op: once across replicas. */
  dedupeKey?: string;
  /** After this many milliseconds from now a failure is no longer retried. */
  deadlineMs?: number;
}>;

/** A job this process holds. `lease` fences every write: a job taken over cannot be written by its old holder. */
export type ClaimedJob = Readonly<{
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  /** What a previous attempt checkpointed (null on a first run). */
  progress: unknown;
  attempts: number;
  maxAttempts: number;
  lease: string;
  deadlineAt: Date | null;
}>;

/** `signal.reason` when this replica is stopping: stop at the next safe point; the job is handed back. */
export const JOB_STOPPING = "stopping";
/** `signal.reason` when another replica took the claim over: stop; write nothing more. */
export const JOB_LOST = "lost";

export type JobContext = Readonly<{
  /**
   * Aborted with JOB_STOPPING when this replica is stopping (stop at the next safe point:
   * the job is handed back and another replica resumes it at once), or with JOB_LOST when
   * the claim was taken over.
   */
  signal: AbortSignal;
  /** Records how far the job got, under its lease; false when the claim was lost (stop). */
  checkpoint(progress: unknown): Promise<boolean>;
  logger: Logger;
}>;

export type JobHandler = Readonly<{
  kind: string;
  run(job: ClaimedJob, ctx: JobContext): Promise<void>;
  /** Jobs of this kind one process runs at once (default 2): a slow kind cannot starve the others. */
  concurrency?: number;
  backoff?: BackoffPolicy;
  /**
   * A stopping replica runs its own queued jobs of this kind before it exits (reveal
   * deletions: a secret is removed early rather than late).
   */
  runEarlyOnStop?: boolean;
  /** After the last attempt failed (dead letter): close what the job was responsible for. */
  onDead?(job: ClaimedJob, error: string): Promise<void>;
}>;

/** The part of the queue a feature uses: enqueue and cancel inside its own transaction. */
export type JobQueue = Readonly<{
  enqueue(tx: DbOrTx, spec: JobSpec): Promise<string | null>;
  cancel(tx: DbOrTx, kind: string, dedupeKey: string): Promise<boolean>;
}>;

/**
 * A condition the statement that holds a job checks first (a boolean SQL expression): when it is
 * true, nothing is stored. `sql` writes the expression with `param(i)` for its i-th value (from
 * 1), so the statement places its parameters without rewriting SQL text. The values reach it as
 * text (holds are stored many to a statement, each with its own values), so an expression casts
 * what is not text. `name` names the prepared statement, so one name is always one expression.
 */
export type HoldUnless = Readonly<{ name: string; sql(param: (i: number) => string): string; values: readonly unknown[] }>;

/**
 * Work this process starts at once itself after promising it (a form that closed on "saved"):
 * `hold` stores it already claimed, before the promise; the caller then does it and completes
 * it. If this process dies first, any replica's worker takes it over once its claim is stale.
 */
export type HeldJobs = Readonly<{
  /** Null only when `unless` held: nothing was stored. */
  hold(spec: Omit<JobSpec, "delayMs" | "dedupeKey" | "deadlineMs">, unless?: HoldUnless): Promise<ClaimedJob | null>;
  /**
   * Runs `work` (finishing the held job here) while this process heartbeats its claim, so a
   * slow finish (Slack taking its time) is not taken over; the heartbeat stops when `work`
   * settles, completed or not, so a job left unfinished is taken over as usual.
   */
  keep<T>(job: ClaimedJob, work: () => Promise<T>): Promise<T>;
  /**
   * Runs the database part of finishing a held job (its create) in turn with the others this
   * process is finishing: as many at once as the request pool has connections. Slack calls stay
   * outside, so a slow answer holds up no one else's create.
   */
  inTurn<T>(work: () => Promise<T>): Promise<T>;
  complete(job: ClaimedJob): Promise<boolean>;
  /** Hands a failed attempt to the queue: retried after a backoff by any replica's worker. */
  retryLater(job: ClaimedJob, error: unknown): Promise<void>;
}>;

/** A failure that retrying cannot fix (a 4xx, a record that is gone): dead-lettered at once. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}
