import type { Db } from "../../db.js";

// Once-only scheduled work in wl_job_run, one row per (job, run key, destination). Every
// replica fires every schedule; the row decides which one acts. All times are the database's
// (now()), so replicas with drifting clocks still agree on "stale" and on "today".

export type Claim = { id: string; attempts: number; detail: unknown };
export type RunRow = { destination: string; status: string; attempts: number; detail: unknown; error: string | null };

export const STATUS = { running: "running", done: "done", failed: "failed" } as const;

export function createClaims(db: Db, job: string) {
  return {
    async dbNow(): Promise<Date> {
      const [row] = await db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
      return row!.now;
    },

    /**
     * Claims (job, runKey, destination) for this caller. A new row is claimed by the one INSERT
     * that wins ON CONFLICT DO NOTHING. An existing row is taken over only by a conditional
     * UPDATE, and only when its holder went quiet for `staleAfterMs` (a crashed replica) or, with
     * `retryFailed`, when it failed and has attempts left. `attempts` is the fencing token:
     * a holder that lost its claim can no longer write (see `progress`/`finish`).
     */
    async claim(runKey: string, destination: string, opts: { staleAfterMs: number; retryFailed: boolean; maxAttempts: number }): Promise<Claim | null> {
      return db.$transaction(async (tx) => {
        const inserted = await tx.$queryRaw<Claim[]>`
          INSERT INTO wl_job_run (id, job, run_key, destination, status, claimed_at, attempts, detail)
          VALUES (gen_random_uuid(), ${job}, ${runKey}, ${destination}, ${STATUS.running}, now(), 1, '{}'::jsonb)
          ON CONFLICT (job, run_key, destination) DO NOTHING
          RETURNING id::text AS id, attempts, detail`;
        if (inserted.length === 1) return inserted[0]!;
        const taken = await tx.$queryRaw<Claim[]>`
          UPDATE wl_job_run
             SET status = ${STATUS.running}, claimed_at = now(), attempts = attempts + 1, completed_at = NULL
           WHERE job = ${job} AND run_key = ${runKey} AND destination = ${destination}
             AND (
               (status = ${STATUS.running} AND claimed_at < now() - ${opts.staleAfterMs}::int * interval '1 millisecond')
               OR (${opts.retryFailed}::boolean AND status = ${STATUS.failed} AND attempts < ${opts.maxAttempts}::int)
             )
           RETURNING id::text AS id, attempts, detail`;
        return taken[0] ?? null;
      });
    },

    /** Records progress and renews the claim; false when another replica took it over. */
    async progress(c: Claim, detail: unknown): Promise<boolean> {
      const n = await db.$executeRaw`
        UPDATE wl_job_run SET detail = ${JSON.stringify(detail)}::jsonb, claimed_at = now()
         WHERE id = ${c.id}::uuid AND attempts = ${c.attempts}::int AND status = ${STATUS.running}`;
      return n === 1;
    },

    async finish(c: Claim, status: "done" | "failed", detail: unknown, error: string | null = null): Promise<boolean> {
      const n = await db.$executeRaw`
        UPDATE wl_job_run
           SET status = ${status}, detail = ${JSON.stringify(detail)}::jsonb, error = ${error}, completed_at = now()
         WHERE id = ${c.id}::uuid AND attempts = ${c.attempts}::int AND status = ${STATUS.running}`;
      return n === 1;
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

export type Claims = ReturnType<typeof createClaims>;
