import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { captureLogger } from "../helpers/logs.js";
import { createDb, createPool, type Db } from "../../src/db.js";
import { AnswerCutter } from "../helpers/stalling-postgres.js";
import { cancelJob, createHoldBatcher, createJobStore, enqueueJob, holdJobs, type Hold } from "../../src/jobs/jobs-service.js";
import { scheduleJobHandler, startSchedules } from "../../src/schedules.js";
import type { Schedule } from "../../src/features/types.js";
import { createJobWorker, type JobWorker } from "../../src/jobs/job-worker.js";
import { JOB_STOPPING, PermanentJobError, type JobHandler } from "../../src/jobs/job-types.js";
import { createMetrics } from "../../src/metrics/metrics.js";
import { emailInUse } from "../../src/features/creators/creator-reads.js";

// The queue against real Postgres: several "replicas" are workers with their own connection
// pools on one database, as separate processes would be.

let tdb: TestDatabase;
let other: Db;
const logs = captureLogger();
const workers: JobWorker[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  other = createDb(tdb.url, { max: 4 });
});
afterAll(async () => {
  await other?.$disconnect();
  await tdb?.drop();
});
beforeEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.drain(Date.now() + 2_000)));
  await tdb.db.$executeRaw`DELETE FROM wl_job`;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const job = (id: string) => tdb.db.job.findUniqueOrThrow({ where: { id } });
async function until(fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (!(await fn())) {
    if (Date.now() - started > timeoutMs) throw new Error("until: timed out");
    await sleep(25);
  }
  return Date.now() - started;
}

const metrics = createMetrics();

function worker(db: Db, owner: string, handlers: JobHandler[], o: { staleAfterMs?: number; heartbeatMs?: number } = {}): JobWorker {
  const w = createJobWorker({
    store: createJobStore(db),
    handlers,
    owner,
    logger: logs.logger,
    metrics,
    pollMs: 50,
    heartbeatMs: o.heartbeatMs ?? 200,
    staleAfterMs: o.staleAfterMs ?? 1_500,
  });
  workers.push(w);
  return w;
}

describe("claiming", () => {
  it("race: two workers polling one database run each of 30 jobs exactly once", async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => enqueueJob(tdb.db, { kind: "test.count", payload: { i } }, "origin")));
    const runs: { id: string; by: string }[] = [];
    const handler = (by: string): JobHandler => ({
      kind: "test.count",
      concurrency: 5,
      async run(j) {
        runs.push({ id: j.id, by });
        await sleep(20);
      },
    });
    worker(tdb.db, "replica-a", [handler("a")]).start();
    worker(other, "replica-b", [handler("b")]).start();
    await until(async () => (await tdb.db.job.count({ where: { status: "done" } })) === 30);
    expect(runs.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(new Set(runs.map((r) => r.by))).toEqual(new Set(["a", "b"])); // both took part
    expect(await tdb.db.job.count({ where: { attempts: { not: 1 } } })).toBe(0);
  });

  it("race: of two claims of one job at the same moment, exactly one gets it", async () => {
    const a = createJobStore(tdb.db);
    const b = createJobStore(other);
    for (let i = 0; i < 20; i++) {
      await enqueueJob(tdb.db, { kind: "test.once", payload: { i } }, null);
      const [x, y] = await Promise.all([a.claim("a", [{ kind: "test.once", limit: 1 }], 60_000), b.claim("b", [{ kind: "test.once", limit: 1 }], 60_000)]);
      expect(x.length + y.length).toBe(1);
      await (x[0] ? a.complete(x[0]) : b.complete(y[0]!));
    }
  });

  it("a queued job waits for its time; dedupe keys make a second enqueue a no-op; a rolled-back enqueue never existed", async () => {
    const first = await enqueueJob(tdb.db, { kind: "test.later", payload: {}, dedupeKey: "k1", delayMs: 60_000 }, null);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await enqueueJob(tdb.db, { kind: "test.later", payload: {}, dedupeKey: "k1" }, null)).toBeNull();
    await expect(
      tdb.db.$transaction(async (tx) => {
        await enqueueJob(tx, { kind: "test.later", payload: {}, dedupeKey: "k2" }, null);
        throw new Error("the change that promised it failed");
      }),
    ).rejects.toThrow(/promised it failed/);
    expect(await tdb.db.job.count()).toBe(1);
    expect(await createJobStore(tdb.db).claim("x", [{ kind: "test.later", limit: 5 }], 60_000)).toEqual([]);
  });
});

describe("held jobs", () => {
  const holdJob = async (pool: TestDatabase["pool"], spec: Hold["spec"], owner: string, unless?: Hold["unless"]) =>
    (await holdJobs(pool, owner, [{ id: randomUUID(), spec, unless }]))[0] ?? null;

  it("hold stores the job already claimed by its owner; its guard, with values of its own after the hold's, stores nothing when it holds", async () => {
    // Two values, in an order the statement must keep: a guard that is true only for ("a", 2).
    const unless = (s: string, n: number) => ({
      name: "test_pair",
      sql: (param: (i: number) => string) => `${param(1)}::text = 'a' AND ${param(2)}::int = 2`,
      values: [s, n],
    });
    const spec = { kind: "test.held", payload: { x: 1 }, maxAttempts: 3 };
    const held = await holdJob(tdb.pool, spec, "replica-1", unless("a", 3));
    expect(held).toMatchObject({ kind: "test.held", payload: { x: 1 }, attempts: 1 });
    expect(await job(held!.id)).toMatchObject({ status: "running", owner: "replica-1", maxAttempts: 3 });
    expect(await holdJob(tdb.pool, spec, "replica-1", unless("b", 2))).not.toBeNull();
    expect(await holdJob(tdb.pool, spec, "replica-1", unless("a", 2))).toBeNull();
    expect(await tdb.db.job.count({ where: { kind: "test.held" } })).toBe(2);
  });

  it("holds that arrive together are stored by one INSERT (one commit), each checked against its own guard values", async () => {
    const statements: string[] = [];
    const counted = new Proxy(tdb.pool, {
      get(target, prop, receiver) {
        if (prop !== "query") return Reflect.get(target, prop, receiver);
        return (q: { name?: string }, ...rest: unknown[]) => {
          statements.push(String(q.name));
          return (target.query as (...a: unknown[]) => unknown)(q, ...rest);
        };
      },
    });
    const holds = createHoldBatcher(counted, "replica-1");
    const unless = (s: string) => ({ name: "test_one", sql: (param: (i: number) => string) => `${param(1)} = 'taken'`, values: [s] });
    const results = await Promise.all(
      ["a", "taken", "b", "c", "taken", "d"].map((v, i) => holds.hold({ kind: "test.held", payload: { i }, maxAttempts: 2 }, unless(v))),
    );
    // The first went alone at once; the five that arrived while it was in flight, together.
    expect(statements).toEqual(["wl_job_hold_unless_test_one", "wl_job_hold_unless_test_one"]);
    expect(results.map((j) => (j ? (j.payload as { i: number }).i : null))).toEqual([0, null, 2, 3, null, 5]);
    const stored = await tdb.db.job.findMany({ where: { kind: "test.held" }, orderBy: { createdAt: "asc" } });
    expect(stored.map((j) => j.id).sort()).toEqual(results.flatMap((j) => (j ? [j.id] : [])).sort());
    expect(stored.every((j) => j.status === "running" && j.owner === "replica-1" && j.attempts === 1 && j.maxAttempts === 2)).toBe(true);
    // Each lease is its own: a takeover of one never fences another.
    expect(new Set(results.flatMap((j) => (j ? [j.lease] : []))).size).toBe(4);
  });

  it("a batch's guard reads the creators' email index row by row, never every creator (no hashed anti join)", async () => {
    // Enough creators that reading them all costs more than a probe per hold: a plain
    // WHERE NOT EXISTS over a recordset (estimated at 100 rows) was planned as a hash anti join
    // over a sequential scan of the table, 15 ms a hold at 10,000 creators.
    await tdb.pool.query(
      `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, brand_name, brand_niche,
                                       journey_status, health_score, last_status_change, is_active)
       SELECT gen_random_uuid(), now(), now(), 'Creator ' || g, 'guard' || g || '@jobs.test', 'Brand ' || g, 'niche', 'LIVE', 'GREEN', now(), true
         FROM generate_series(1, 3000) g`,
    );
    await tdb.pool.query("ANALYZE studio_crm_creator");
    try {
      let statement: { text: string; values: unknown[] } | null = null;
      const capturing = new Proxy(tdb.pool, {
        get(target, prop, receiver) {
          if (prop !== "query") return Reflect.get(target, prop, receiver);
          return (q: { text: string; values: unknown[] }) => {
            statement = { text: q.text, values: q.values };
            return target.query(q);
          };
        },
      });
      const holds = createHoldBatcher(capturing, "replica-1");
      const results = await Promise.all(
        ["guard7@jobs.test", "nobody@jobs.test"].map((email, i) => holds.hold({ kind: "test.held", payload: { i } }, emailInUse(email))),
      );
      expect(results.map((j) => j !== null)).toEqual([false, true]);
      const plan = (await tdb.pool.query<{ "QUERY PLAN": string }>(`EXPLAIN ${statement!.text}`, statement!.values)).rows
        .map((r) => r["QUERY PLAN"])
        .join("\n");
      expect(plan).toContain("studio_crm_creator_email_lower_idx");
      expect(plan).not.toMatch(/Seq Scan on studio_crm_creator|Hash/);
    } finally {
      await tdb.pool.query("DELETE FROM studio_crm_creator WHERE creator_email LIKE '%@jobs.test'");
    }
  });

  it("a hold stored again (its batch committed but the answer was lost) is the same job, never a second one", async () => {
    const hold = { id: randomUUID(), spec: { kind: "test.held", payload: { form: "one submission" } } };
    const [first] = await holdJobs(tdb.pool, "replica-1", [hold]);
    // The group commit's row-by-row retry after an error it cannot tell from a failure.
    const [again] = await holdJobs(tdb.pool, "replica-1", [hold, { id: randomUUID(), spec: { kind: "test.held", payload: { form: "another" } } }]);
    expect(first).not.toBeNull();
    expect(again).toMatchObject({ id: first!.id, lease: first!.lease, attempts: 1 });
    expect(await tdb.db.job.count({ where: { kind: "test.held" } })).toBe(2);
  });

  it("a lone hold that committed but whose answer was lost comes back as the stored job: the form closes, not 'nothing was saved' with a job stored behind it", async () => {
    const proxy = await new AnswerCutter().start();
    const cut = createPool(proxy.url(tdb.name), { max: 1 });
    try {
      const holds = createHoldBatcher(cut, "replica-1");
      proxy.cutAnswerTo("lone-hold-cut");
      const held = await holds.hold({ kind: "test.held", payload: { form: "lone-hold-cut" } });
      expect(held).not.toBeNull();
      const stored = await tdb.db.job.findMany({ where: { kind: "test.held" }, select: { id: true, lease: true, status: true } });
      expect(stored).toEqual([{ id: held!.id, lease: held!.lease, status: "running" }]);
    } finally {
      await cut.end();
      await proxy.stop();
    }
  });

  it("a batch that fails is stored row by row: only the bad hold fails", async () => {
    const holds = createHoldBatcher(tdb.pool, "replica-1");
    const first = holds.hold({ kind: "test.held", payload: { i: 0 } });
    // kind is varchar(60): this row fails the statement it is in.
    const rest = ["test.held", "x".repeat(61), "test.held"].map((kind, i) => holds.hold({ kind, payload: { i: i + 1 } }));
    const settled = await Promise.allSettled([first, ...rest]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(await tdb.db.job.count({ where: { kind: "test.held" } })).toBe(3);
  });
});

describe("owners and heartbeats", () => {
  it("heartbeat takeover: a job whose owner died is taken over by another replica within seconds", async () => {
    const id = (await enqueueJob(tdb.db, { kind: "test.takeover", payload: {} }, null))!;
    const dead = createJobStore(other);
    const [held] = await dead.claim("dead-replica", [{ kind: "test.takeover", limit: 1 }], 1_500);
    expect(held?.id).toBe(id);
    // The dead replica never heartbeats again.
    const ran: string[] = [];
    worker(tdb.db, "survivor", [{ kind: "test.takeover", run: async (j) => void ran.push(j.id) }]).start();
    const waited = await until(async () => (await job(id)).status === "done");
    expect(waited).toBeLessThan(5_000);
    expect(ran).toEqual([id]);
    expect(await job(id)).toMatchObject({ status: "done", attempts: 2, owner: "survivor" });
    // Fenced: the presumed-dead holder, waking up, can neither checkpoint nor complete it.
    expect(await dead.checkpoint(held!, { late: true })).toBe(false);
    expect(await dead.complete(held!)).toBe(false);
  });

  it("a live owner keeps its job past the stale age: heartbeats prevent a takeover", async () => {
    const id = (await enqueueJob(tdb.db, { kind: "test.long", payload: {} }, null))!;
    const runs: string[] = [];
    const slow = (by: string): JobHandler => ({
      kind: "test.long",
      run: async () => {
        runs.push(by);
        await sleep(3_000);
      },
    });
    worker(tdb.db, "a", [slow("a")], { staleAfterMs: 800, heartbeatMs: 150 }).start();
    await until(async () => runs.length === 1);
    worker(other, "b", [slow("b")], { staleAfterMs: 800, heartbeatMs: 150 }).start();
    await until(async () => (await job(id)).status === "done");
    expect(runs).toEqual(["a"]);
    expect((await job(id)).attempts).toBe(1);
  });

  it("a job survives a process crash: another worker finishes it, resuming from its last checkpoint", async () => {
    const id = (await enqueueJob(tdb.db, { kind: "test.steps", payload: { steps: 4 } }, null))!;
    // A replica claims it, gets through two steps, and dies (no completion, no more heartbeats).
    const crashed = createJobStore(other);
    const [held] = await crashed.claim("crashed-replica", [{ kind: "test.steps", limit: 1 }], 1_500);
    expect(await crashed.checkpoint(held!, { done: 2 })).toBe(true);

    const performed: number[] = [];
    worker(tdb.db, "survivor", [
      {
        kind: "test.steps",
        async run(j, ctx) {
          let done = (j.progress as { done?: number } | null)?.done ?? 0;
          while (done < Number(j.payload.steps)) {
            performed.push(++done);
            expect(await ctx.checkpoint({ done })).toBe(true);
          }
        },
      },
    ]).start();
    await until(async () => (await job(id)).status === "done");
    expect(performed).toEqual([3, 4]); // steps 1 and 2 are not done twice
    expect(await job(id)).toMatchObject({ owner: "survivor", attempts: 2, progress: { done: 4 } });
  });

  it("a replica that lost its claim (late heartbeat) is told, and its outcome is not recorded", async () => {
    const id = (await enqueueJob(tdb.db, { kind: "test.lost", payload: {} }, null))!;
    let aborted: unknown = null;
    worker(tdb.db, "slowpoke", [
      {
        kind: "test.lost",
        async run(_j, ctx) {
          await until(async () => ctx.signal.aborted, 10_000);
          aborted = ctx.signal.reason;
          throw new Error("gave up");
        },
      },
    ]).start();
    await until(async () => (await job(id)).status === "running");
    // Another replica takes it over as if the heartbeat had gone stale.
    await tdb.db.$executeRaw`UPDATE wl_job SET heartbeat_at = now() - interval '1 hour' WHERE id = ${id}::uuid`;
    const [taken] = await createJobStore(other).claim("thief", [{ kind: "test.lost", limit: 1 }], 1_500);
    await until(async () => aborted !== null);
    expect(aborted).toBe("lost");
    await sleep(100);
    expect(await job(id)).toMatchObject({ status: "running", owner: "thief", attempts: 2, lastError: null });
    await createJobStore(other).complete(taken!);
  });
});

describe("failures", () => {
  it("retries with backoff, then dead-letters after max attempts with an error log line and onDead", async () => {
    const id = (await enqueueJob(tdb.db, { kind: "test.flaky", payload: {}, maxAttempts: 3 }, null))!;
    const attempts: number[] = [];
    const dead: string[] = [];
    worker(tdb.db, "w", [
      {
        kind: "test.flaky",
        backoff: { baseMs: 100, factor: 2, maxMs: 1_000 },
        run: async (j) => {
          attempts.push(Date.now());
          throw new Error(`boom ${j.attempts} at https://hooks.slack.com/actions/SECRET`);
        },
        onDead: async (j, error) => void dead.push(`${j.id}: ${error}`),
      },
    ]).start();
    await until(async () => (await job(id)).status === "dead");
    expect(attempts).toHaveLength(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(70); // ~100 ms, ±20%
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(150); // ~200 ms
    const row = await job(id);
    expect(row.lastError).toBe("boom 3 at [url] (gave up after 3 attempts)");
    expect(row.finishedAt).toBeInstanceOf(Date);
    await until(async () => dead.length === 1);
    expect(dead[0]).toContain(id);
    expect(logs.text()).toMatch(/"kind":"test.flaky".*job dead-lettered/);
    expect(logs.text()).not.toContain("SECRET");
  });

  it("a permanent error is dead-lettered at once; a job past its deadline is not retried", async () => {
    const perm = (await enqueueJob(tdb.db, { kind: "test.perm", payload: {} }, null))!;
    const late = (await enqueueJob(tdb.db, { kind: "test.deadline", payload: {}, deadlineMs: 300 }, null))!;
    worker(tdb.db, "w", [
      { kind: "test.perm", run: async () => Promise.reject(new PermanentJobError("HTTP 404")) },
      { kind: "test.deadline", backoff: { baseMs: 5_000, factor: 1, maxMs: 5_000 }, run: async () => Promise.reject(new Error("HTTP 503")) },
    ]).start();
    await until(async () => (await job(perm)).status === "dead" && (await job(late)).status === "dead");
    expect(await job(perm)).toMatchObject({ attempts: 1, lastError: "PermanentJobError: HTTP 404 (permanent failure)" });
    expect(await job(late)).toMatchObject({ attempts: 1, lastError: "HTTP 503 (its deadline passed)" });
  });

  it("a job whose owner died on its last attempt is dead-lettered, not run again", async () => {
    const id = (await enqueueJob(tdb.db, { kind: "test.poison", payload: {}, maxAttempts: 1 }, null))!;
    await createJobStore(other).claim("died", [{ kind: "test.poison", limit: 1 }], 1_500);
    const ran: string[] = [];
    worker(tdb.db, "w", [{ kind: "test.poison", run: async (j) => void ran.push(j.id) }]).start();
    await until(async () => (await job(id)).status === "dead");
    expect(ran).toEqual([]);
    expect((await job(id)).lastError).toMatch(/stopped heartbeating during the last attempt/);
  });
});

describe("stopping", () => {
  it("drain hands a running job back (attempt not counted) and another replica resumes it at once", async () => {
    const id = (await enqueueJob(tdb.db, { kind: "test.handback", payload: {} }, null))!;
    let sawStop: unknown = null;
    const a = worker(tdb.db, "stopping", [
      {
        kind: "test.handback",
        async run(_j, ctx) {
          await ctx.checkpoint({ step: 1 });
          await until(async () => ctx.signal.aborted, 10_000);
          sawStop = ctx.signal.reason;
          ctx.signal.throwIfAborted();
        },
      },
    ]);
    a.start();
    await until(async () => (await job(id)).status === "running");
    const { unfinished } = await a.drain(Date.now() + 5_000);
    expect(unfinished).toBe(0);
    expect(sawStop).toBe(JOB_STOPPING);
    expect(await job(id)).toMatchObject({ status: "queued", attempts: 0, owner: null, progress: { step: 1 } });

    const resumed: unknown[] = [];
    worker(other, "survivor", [{ kind: "test.handback", run: async (j) => void resumed.push(j.progress) }]).start();
    const waited = await until(async () => (await job(id)).status === "done");
    expect(waited).toBeLessThan(1_000); // not after a stale window: at once
    expect(resumed).toEqual([{ step: 1 }]);
  });

  it("runEarly: a stopping replica runs its own queued jobs of the early kinds now, and leaves others' alone", async () => {
    const mine = (await enqueueJob(tdb.db, { kind: "test.early", payload: {}, delayMs: 60 * 60_000 }, "me"))!;
    const theirs = (await enqueueJob(tdb.db, { kind: "test.early", payload: {}, delayMs: 60 * 60_000 }, "someone-else"))!;
    const ordinary = (await enqueueJob(tdb.db, { kind: "test.ordinary", payload: {}, delayMs: 60 * 60_000 }, "me"))!;
    const ran: string[] = [];
    const w = worker(tdb.db, "me", [
      { kind: "test.early", runEarlyOnStop: true, run: async (j) => void ran.push(j.id) },
      { kind: "test.ordinary", run: async (j) => void ran.push(j.id) },
    ]);
    w.start();
    expect(await w.runEarly("me", Date.now() + 5_000)).toBe(1);
    expect(ran).toEqual([mine]);
    expect((await job(theirs)).status).toBe("queued");
    expect((await job(ordinary)).status).toBe("queued");
  });
});

describe("cron", () => {
  it("race: two replicas' cron firing every second enqueue one job per slot, and each slot runs once", async () => {
    const runs: string[] = [];
    const tick: Schedule = { name: "tick", cron: "* * * * * *", tz: "UTC", run: async (at) => void runs.push(at.toISOString()) };
    const replicas = [
      { db: tdb.db, owner: "a" },
      { db: other, owner: "b" },
    ].map((r) => {
      worker(r.db, r.owner, [scheduleJobHandler([tick])]).start();
      return startSchedules([tick], { db: r.db, jobs: { enqueue: (tx, spec) => enqueueJob(tx, spec, r.owner), cancel: cancelJob }, logger: logs.logger });
    });
    await sleep(3_300);
    for (const r of replicas) r.stop();
    await until(async () => (await tdb.db.job.count({ where: { kind: "schedule", status: { in: ["queued", "running"] } } })) === 0);
    const jobs = await tdb.db.job.findMany({ where: { kind: "schedule" } });
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(jobs.map((j) => j.dedupeKey)).size).toBe(jobs.length);
    expect(runs.length).toBe(jobs.length);
    expect(new Set(runs).size).toBe(runs.length);
    expect(jobs.every((j) => j.status === "done")).toBe(true);
  });
});
