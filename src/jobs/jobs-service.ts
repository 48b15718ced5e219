import { randomUUID } from "node:crypto";
import { answerLost, type Db, type DbOrTx, type Pool } from "../db.js";
import { afterFailure, DEFAULT_BACKOFF, JOB_DEFAULTS, safeError, type BackoffPolicy, type FailureDecision } from "./jobs-fns.js";
import type { ClaimedJob, HeldJobs, HoldUnless, JobSpec } from "./job-types.js";
import { createGroupCommit, type GroupCommit } from "../lib/group-commit.js";
import { jsonbSafe } from "../lib/jsonb.js";

// The queue's SQL. Every state change is ONE conditional write whose row count decides: a
// claim (FOR UPDATE SKIP LOCKED, so replicas never wait on each other's rows), and every write
// by a holder is fenced by its lease, so a holder presumed dead that wakes up changes nothing.
// All times are the database's now().

/** A ClaimedJob, column for field. */
const returning = `wl_job.id::text AS id, wl_job.kind, wl_job.payload, wl_job.progress, wl_job.attempts, wl_job.max_attempts AS "maxAttempts",
  wl_job.lease::text AS lease, wl_job.deadline_at AS "deadlineAt"`;

/**
 * Stores a job in the caller's transaction: it commits with the change that promises it, or
 * not at all. Returns its id, or null when (kind, dedupeKey) already exists.
 */
export async function enqueueJob(tx: DbOrTx, spec: JobSpec, origin: string | null): Promise<string | null> {
  const delayMs = Math.max(0, Math.round(spec.delayMs ?? 0));
  const deadlineMs = spec.deadlineMs === undefined ? null : Math.max(0, Math.round(spec.deadlineMs));
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO wl_job (id, kind, payload, progress, status, run_at, deadline_at, attempts, max_attempts,
                        owner, lease, heartbeat_at, enqueued_by, dedupe_key, last_error, created_at, finished_at)
    VALUES (gen_random_uuid(), ${spec.kind}, ${JSON.stringify(spec.payload, jsonbSafe)}::jsonb, NULL, 'queued',
            now() + ${delayMs}::int * interval '1 millisecond',
            now() + ${deadlineMs}::int * interval '1 millisecond',
            0, ${spec.maxAttempts ?? JOB_DEFAULTS.maxAttempts}::int,
            NULL, NULL, NULL, ${origin}, ${spec.dedupeKey ?? null}, NULL, now(), NULL)
    ON CONFLICT (kind, dedupe_key) DO NOTHING
    RETURNING id::text AS id`;
  return rows[0]?.id ?? null;
}

/**
 * One held job to store, with its own values for the batch's guard. Its id is chosen before the
 * first try, so storing it again is harmless (see holdJobs).
 */
export type Hold = { id: string; spec: JobSpec; unless?: HoldUnless | undefined };

/**
 * Stores jobs this process runs at once itself, already claimed by `owner` (one attempt counted):
 * for work promised in an ack (a form closed on "saved"), stored before the ack. If the process
 * dies before completing one, its heartbeat goes stale and any replica's worker takes it over like
 * any other dead owner's job. With a guard (`unless`), the same statement first checks that
 * condition and stores nothing (null) when it holds: a form's last check before its ack costs no
 * round trip of its own.
 *
 * Several holds go in one INSERT (a group commit: one commit, one fsync, for every form waiting
 * on its ack). Every hold in one call must carry the same guard (`unless.name`), or none:
 * the statement is prepared once per guard. Each row's guard is checked against its own values,
 * which reach the expression as text columns of the row (`param(i)` names them), so a guard casts
 * what is not text. Each result is matched to its hold by id, in order.
 *
 * Idempotent: a batch whose answer was lost after it committed (a dropped connection, a client
 * timeout) is stored again row by row by the group commit; a hold already stored by this owner
 * comes back as it is, lease and all, instead of a second job for the same submission.
 */
export async function holdJobs(pool: Pool, owner: string, holds: readonly Hold[]): Promise<(ClaimedJob | null)[]> {
  if (holds.length === 0) return [];
  const unless = holds[0]?.unless;
  if (holds.some((h) => h.unless?.name !== unless?.name)) throw new Error("holdJobs: every hold in one call needs the same guard");
  const width = unless?.values.length ?? 0;
  const valueCols = Array.from({ length: width }, (_, i) => `, v${i + 1} text`).join("");
  // The guard is evaluated row by row in a subquery the planner may not flatten (OFFSET 0): as a
  // plain WHERE NOT EXISTS it becomes an anti join, and for the 100 rows Postgres assumes a
  // recordset holds it hashed every creator (measured: 15 ms a hold at 10,000 creators, against
  // 0.4 ms through the email index).
  const guard = unless ? `CROSS JOIN LATERAL (SELECT (${unless.sql((i) => `h.v${i}`)}) AS blocked OFFSET 0) g WHERE NOT g.blocked` : "";
  const rows = holds.map((h) => {
    const { spec, unless: u } = h;
    const row: Record<string, unknown> = {
      id: h.id,
      kind: spec.kind,
      payload: spec.payload,
      max_attempts: spec.maxAttempts ?? JOB_DEFAULTS.maxAttempts,
    };
    u?.values.forEach((v, i) => {
      row[`v${i + 1}`] = v === null || v === undefined ? null : String(v);
    });
    return row;
  });
  const { rows: stored } = await pool.query<ClaimedJob>({
    name: unless ? `wl_job_hold_unless_${unless.name}` : "wl_job_hold",
    text: `INSERT INTO wl_job (id, kind, payload, progress, status, run_at, deadline_at, attempts, max_attempts,
                               owner, lease, heartbeat_at, enqueued_by, dedupe_key, last_error, created_at, finished_at)
           SELECT h.id, h.kind, h.payload, NULL, 'running', now(), NULL, 1, h.max_attempts,
                  $2, gen_random_uuid(), now(), $2, NULL, NULL, now(), NULL
             FROM jsonb_to_recordset($1::jsonb) AS h(id uuid, kind text, payload jsonb, max_attempts int${valueCols})
           ${guard}
           ON CONFLICT (id) DO UPDATE SET heartbeat_at = now() WHERE wl_job.owner = EXCLUDED.owner AND wl_job.status = 'running'
           RETURNING ${returning}`,
    values: [JSON.stringify(rows, jsonbSafe), owner],
  });
  const byId = new Map(stored.map((j) => [j.id, j]));
  return holds.map((h) => byId.get(h.id) ?? null);
}

/**
 * `hold` for a process: the holds of concurrent requests are stored together (createGroupCommit:
 * one INSERT in flight per guard, the rest in the next), so forms submitted at once share a
 * commit instead of queueing for one fsync each on the few connections before the ack.
 */
export function createHoldBatcher(pool: Pool, owner: string, maxBatch = 100): Pick<HeldJobs, "hold"> & { drain(): Promise<void> } {
  const byGuard = new Map<string, GroupCommit<Hold, ClaimedJob | null>>();
  const groupFor = (guard: string) => {
    const known = byGuard.get(guard);
    if (known) return known;
    const g = createGroupCommit<Hold, ClaimedJob | null>({ maxBatch, write: (batch) => holdJobs(pool, owner, batch), answerLost });
    byGuard.set(guard, g);
    return g;
  };
  return {
    hold: (spec, unless) => groupFor(unless?.name ?? "").submit({ id: randomUUID(), spec, unless }),
    drain: async () => void (await Promise.all([...byGuard.values()].map((g) => g.drain()))),
  };
}

/**
 * Inside the caller's transaction: records `progress` under the job's lease and locks its row
 * until commit. False when the lease is no longer held (another replica took the job over):
 * the caller rolls back, so a change promised once is made once. While the row is locked, a
 * takeover skips it; after commit, the new holder sees `progress`.
 */
export async function fenceJob(tx: DbOrTx, job: Pick<ClaimedJob, "id" | "lease">, progress: unknown): Promise<boolean> {
  const n = await tx.$executeRaw`
    UPDATE wl_job SET progress = ${JSON.stringify(progress ?? null)}::jsonb, heartbeat_at = now()
     WHERE id = ${job.id}::uuid AND lease = ${job.lease}::uuid AND status = 'running'`;
  return n === 1;
}

/** Withdraws a job that has not started (a reveal Slack refused needs no deletion). */
export async function cancelJob(tx: DbOrTx, kind: string, dedupeKey: string): Promise<boolean> {
  const n = await tx.$executeRaw`
    UPDATE wl_job SET status = 'cancelled', finished_at = now()
     WHERE kind = ${kind} AND dedupe_key = ${dedupeKey} AND status = 'queued'`;
  return n > 0;
}

export type JobStore = ReturnType<typeof createJobStore>;

export function createJobStore(db: Db) {
  return {
    /**
     * Claims up to `limit` due jobs of each kind for `owner`: queued ones whose time has come,
     * and running ones whose owner stopped heartbeating (a dead replica's), oldest first.
     * Each gets a fresh lease. Rows another replica is claiming right now are skipped, not waited on.
     */
    async claim(owner: string, wants: readonly { kind: string; limit: number }[], staleAfterMs: number): Promise<ClaimedJob[]> {
      const want = wants.filter((w) => w.limit > 0);
      if (want.length === 0) return [];
      return db.$queryRawUnsafe<ClaimedJob[]>(
        `WITH want AS (SELECT * FROM unnest($1::text[], $2::int[]) AS w(kind, n)),
              picked AS (
                SELECT j.id FROM want w CROSS JOIN LATERAL (
                  SELECT id FROM wl_job
                   WHERE kind = w.kind
                     AND ((status = 'queued' AND run_at <= now())
                       OR (status = 'running' AND heartbeat_at < now() - $3::int * interval '1 millisecond' AND attempts < max_attempts))
                   ORDER BY run_at, id
                   LIMIT w.n
                   FOR UPDATE SKIP LOCKED) j)
         UPDATE wl_job SET status = 'running', owner = $4, lease = gen_random_uuid(), heartbeat_at = now(), attempts = wl_job.attempts + 1
           FROM picked WHERE wl_job.id = picked.id
         RETURNING ${returning}`,
        want.map((w) => w.kind),
        want.map((w) => w.limit),
        staleAfterMs,
        owner,
      );
    },

    /**
     * Running jobs whose owner died on their last attempt: dead-lettered (a job that kills its
     * process every time must not take every replica down in turn).
     */
    async reapStale(kinds: readonly string[], staleAfterMs: number): Promise<ClaimedJob[]> {
      if (kinds.length === 0) return [];
      return db.$queryRawUnsafe<ClaimedJob[]>(
        `UPDATE wl_job SET status = 'dead', finished_at = now(), lease = NULL,
                last_error = left(coalesce(last_error || '; ', '') || 'its owner stopped heartbeating during the last attempt', 1000)
          WHERE kind = ANY($1::text[]) AND status = 'running' AND attempts >= max_attempts
            AND heartbeat_at < now() - $2::int * interval '1 millisecond'
          RETURNING ${returning}`,
        [...kinds],
        staleAfterMs,
      );
    },

    /** Renews this process's claims; returns the leases still held (a missing one was taken over). */
    async heartbeat(leases: readonly string[]): Promise<Set<string>> {
      if (leases.length === 0) return new Set();
      const rows = await db.$queryRaw<{ lease: string }[]>`
        UPDATE wl_job SET heartbeat_at = now() WHERE lease = ANY(${[...leases]}::uuid[]) AND status = 'running'
        RETURNING lease::text AS lease`;
      return new Set(rows.map((r) => r.lease));
    },

    async checkpoint(job: ClaimedJob, progress: unknown): Promise<boolean> {
      const n = await db.$executeRaw`
        UPDATE wl_job SET progress = ${JSON.stringify(progress ?? null)}::jsonb, heartbeat_at = now()
         WHERE id = ${job.id}::uuid AND lease = ${job.lease}::uuid AND status = 'running'`;
      return n === 1;
    },

    async complete(job: ClaimedJob): Promise<boolean> {
      const n = await db.$executeRaw`
        UPDATE wl_job SET status = 'done', finished_at = now(), last_error = NULL
         WHERE id = ${job.id}::uuid AND lease = ${job.lease}::uuid AND status = 'running'`;
      return n === 1;
    },

    /**
     * Records a failed attempt: retried after a backoff, or dead-lettered (permanent, out of
     * attempts, or past its deadline). Null when the claim was lost meanwhile.
     */
    async fail(job: ClaimedJob, error: unknown, opts: { permanent: boolean; policy?: BackoffPolicy; rand?: number }): Promise<FailureDecision | null> {
      return db.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<{ now: Date; attempts: number; maxAttempts: number; deadlineAt: Date | null }[]>`
          SELECT now() AS now, attempts, max_attempts AS "maxAttempts", deadline_at AS "deadlineAt" FROM wl_job
           WHERE id = ${job.id}::uuid AND lease = ${job.lease}::uuid AND status = 'running' FOR UPDATE`;
        if (!row) return null;
        const decision = afterFailure(row, { permanent: opts.permanent }, row.now, opts.policy ?? DEFAULT_BACKOFF, opts.rand ?? Math.random());
        const message = safeError(error);
        if (decision.action === "retry") {
          await tx.$executeRaw`
            UPDATE wl_job SET status = 'queued', run_at = ${decision.runAt}, last_error = ${message}, lease = NULL, heartbeat_at = NULL
             WHERE id = ${job.id}::uuid`;
        } else {
          await tx.$executeRaw`
            UPDATE wl_job SET status = 'dead', finished_at = now(), last_error = ${`${message} (${decision.reason})`}, lease = NULL
             WHERE id = ${job.id}::uuid`;
        }
        return decision;
      });
    },

    /**
     * Gives a job back untouched by failure (this replica is stopping): due at once, so another
     * replica takes it now; the attempt is not counted.
     */
    async handBack(job: ClaimedJob): Promise<boolean> {
      const n = await db.$executeRaw`
        UPDATE wl_job SET status = 'queued', run_at = now(), attempts = greatest(attempts - 1, 0), owner = NULL, lease = NULL, heartbeat_at = NULL
         WHERE id = ${job.id}::uuid AND lease = ${job.lease}::uuid AND status = 'running'`;
      return n === 1;
    },

    /** Makes this process's queued jobs of these kinds due now (a stopping replica runs them early). */
    async pullForward(kinds: readonly string[], origin: string): Promise<number> {
      if (kinds.length === 0) return 0;
      return db.$executeRaw`
        UPDATE wl_job SET run_at = now()
         WHERE kind = ANY(${[...kinds]}::text[]) AND status = 'queued' AND enqueued_by = ${origin} AND run_at > now()`;
    },

    /** Finished jobs are kept a while for inspection, then removed. */
    async prune(olderThanDays: number): Promise<number> {
      return db.$executeRaw`
        DELETE FROM wl_job WHERE status IN ('done', 'dead', 'cancelled')
           AND finished_at < now() - make_interval(days => ${olderThanDays}::int)`;
    },
  };
}
