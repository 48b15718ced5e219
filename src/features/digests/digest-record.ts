import type { DbOrTx } from "../../db.js";
import { DIGEST_JOB, PLAN_DESTINATION } from "./digest-service.js";
import { snapshotSchema, type DigestSnapshot } from "./digest-types.js";

// The record of each day's digest in wl_job_run, one row per (job, run key, destination): the
// plan row (destination "") holds what the day's digest says; each destination's row holds
// how its delivery went (parts posted, status, last error). Who does the work is the job
// queue's business (digest-jobs.ts); these rows are what the catch-up, tomorrow's header and
// people read. Times are the database's now().

export type RunRow = { destination: string; status: string; attempts: number; detail: unknown; error: string | null };

export const STATUS = { running: "running", done: "done", failed: "failed" } as const;

export function createDigestRecord(db: DbOrTx, job: string = DIGEST_JOB) {
  return {
    async dbNow(): Promise<Date> {
      const [row] = await db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
      return row!.now;
    },

    /** The day's plan: the first one saved wins; a later (concurrent) plan gets the winner's. An unfinished row (an older version's) is replaced. */
    async savePlan(runKey: string, snapshot: DigestSnapshot): Promise<DigestSnapshot> {
      await db.$executeRaw`
        INSERT INTO wl_job_run (id, job, run_key, destination, status, claimed_at, completed_at, attempts, detail, error)
        VALUES (gen_random_uuid(), ${job}, ${runKey}, ${PLAN_DESTINATION}, ${STATUS.done}, now(), now(), 1, ${JSON.stringify(snapshot)}::jsonb, NULL)
        ON CONFLICT (job, run_key, destination) DO UPDATE
          SET status = EXCLUDED.status, detail = EXCLUDED.detail, completed_at = EXCLUDED.completed_at, error = NULL
          WHERE wl_job_run.status <> ${STATUS.done}`;
      const row = await this.get(runKey, PLAN_DESTINATION);
      return snapshotSchema.parse(row?.detail);
    },

    /** A destination's row, opened when its delivery is enqueued ("running" until it is done). */
    async openDelivery(runKey: string, destination: string): Promise<void> {
      await db.$executeRaw`
        INSERT INTO wl_job_run (id, job, run_key, destination, status, claimed_at, completed_at, attempts, detail, error)
        VALUES (gen_random_uuid(), ${job}, ${runKey}, ${destination}, ${STATUS.running}, now(), NULL, 0, '{}'::jsonb, NULL)
        ON CONFLICT (job, run_key, destination) DO NOTHING`;
    },

    /** How a delivery attempt went (written by the job that holds it). */
    async recordDelivery(
      runKey: string,
      destination: string,
      r: { status: keyof typeof STATUS; attempts: number; detail: unknown; error?: string | null },
    ): Promise<void> {
      await db.$executeRaw`
        UPDATE wl_job_run
           SET status = ${r.status}, attempts = ${r.attempts}::int, detail = ${JSON.stringify(r.detail)}::jsonb, error = ${r.error ?? null},
               claimed_at = now(), completed_at = CASE WHEN ${r.status} = 'done' THEN now() ELSE NULL END
         WHERE job = ${job} AND run_key = ${runKey} AND destination = ${destination}`;
    },

    async get(runKey: string, destination: string): Promise<RunRow | null> {
      const rows = await db.$queryRaw<RunRow[]>`
        SELECT destination, status, attempts, detail, error FROM wl_job_run
         WHERE job = ${job} AND run_key = ${runKey} AND destination = ${destination}`;
      return rows[0] ?? null;
    },

    async rows(runKey: string): Promise<RunRow[]> {
      return db.$queryRaw<RunRow[]>`
        SELECT destination, status, attempts, detail, error FROM wl_job_run
         WHERE job = ${job} AND run_key = ${runKey} ORDER BY destination`;
    },

    async everRan(): Promise<boolean> {
      const rows = await db.$queryRaw<unknown[]>`SELECT 1 FROM wl_job_run WHERE job = ${job} LIMIT 1`;
      return rows.length > 0;
    },
  };
}

export type DigestRecord = ReturnType<typeof createDigestRecord>;
