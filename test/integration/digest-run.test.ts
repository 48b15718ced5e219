import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import type { KnownBlock } from "@slack/types";
import { grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { digestJobsSettled, fireDigest } from "../helpers/digest-jobs.js";
import { createDb, type Db } from "../../src/db.js";
import type { FeatureDeps } from "../../src/features/types.js";
import { digestJobs } from "../../src/features/digests/digest-jobs.js";
import { deliverDigest, DIGEST_DELIVER_JOB, DIGEST_PLAN_JOB } from "../../src/features/digests/digest-run.js";
import { createJobStore } from "../../src/jobs/jobs-service.js";
import { createJobWorker, type JobWorker } from "../../src/jobs/job-worker.js";
import { addDays, toDbDate } from "../../src/lib/dates.js";
import { seedCreators, todayUtc } from "./digest-seed.js";

// The scheduled digest against a real Postgres, Slack faked at HTTP, run by job workers as
// replicas would run it (each its own pool). Destinations: C0DIGEST (DIGEST_CHANNEL), UADMIN
// and UMANAGER by DM (admins hold every manager right).

const CHANNEL = "C0DIGEST";
const DESTS = [CHANNEL, "UADMIN", "UMANAGER"];

let h: Harness;
let db: Db;
const workers: JobWorker[] = [];
const pools: Db[] = [];
beforeAll(async () => {
  // The harness's own worker stays off: each test starts the replicas it needs.
  h = await startHarness({ DIGEST_CHANNEL: CHANNEL, DIGEST_TZ: "UTC" }, { jobs: { start: false } });
  db = h.tdb.db;
  await grantRoles(h, { UMANAGER: "manager", USTAFF: "staff" });
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.$disconnect()));
  await h?.close();
});
beforeEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.drain(Date.now() + 5_000)));
  await db.$executeRaw`DELETE FROM wl_job_run`;
  await db.$executeRaw`DELETE FROM wl_job`;
  await db.$executeRaw`DELETE FROM wl_health_snapshot`;
  await db.creator.deleteMany();
  h.slack.reset();
});
afterEach(() => {
  nock.cleanAll();
});

/** A replica: its own pool and job worker, running the digest's jobs (quick retries here). */
function replica(opts: { staleAfterMs?: number; backoffMs?: number } = {}): FeatureDeps {
  const own = createDb(h.tdb.appUrl, { max: 3 });
  pools.push(own);
  const deps: FeatureDeps = { ...h.bot.deps, db: own };
  const w = createJobWorker({
    store: createJobStore(own),
    handlers: digestJobs(deps, { backoff: { baseMs: opts.backoffMs ?? 100, factor: 1, maxMs: opts.backoffMs ?? 100 } }),
    owner: `replica-${workers.length}`,
    logger: h.logs.logger,
    metrics: deps.metrics,
    pollMs: 50,
    heartbeatMs: 200,
    staleAfterMs: opts.staleAfterMs ?? 1_500,
  });
  w.start();
  workers.push(w);
  return deps;
}

const posts = (ch: string) => h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === ch);
const tops = (ch: string) => posts(ch).filter((c) => !c.args.thread_ts);
const rowIds = (blocks: unknown) => (blocks as KnownBlock[]).flatMap((b) => (b.block_id?.startsWith("dg_row:") ? [b.block_id.slice(7)] : []));
const jobRows = () => db.jobRun.findMany({ where: { job: "digest" }, orderBy: { destination: "asc" } });
/** Fails the first thread reply to the channel for good (a platform error, not retried). */
function failFirstPostOnce() {
  let failed = false;
  h.slack.on("chat.postMessage", (args) => {
    if (args.channel === CHANNEL && !failed) {
      failed = true;
      return { ok: false, error: "internal_error" };
    }
    return undefined;
  });
}

describe("exactly once", () => {
  it("replica race: five replicas firing at once on one database post one digest per destination", async () => {
    // Stored scores are stale (GREEN): only the recompute-first step puts them in the digest.
    const red = await seedCreators(db, "RED", 30, { stored: "GREEN" });
    const yellow = await seedCreators(db, "YELLOW", 30, { stored: "GREEN" });
    await seedCreators(db, "GREEN", 5);
    const auditBefore = await db.auditLog.count({ where: { targetModel: "Creator" } });

    const replicas = Array.from({ length: 5 }, () => replica());
    const firedAt = new Date();
    // Every replica's cron fires the same slot at once.
    const reports = await Promise.all(replicas.map((d) => fireDigest(d, firedAt)));
    expect(reports.flatMap((r) => r.failed)).toEqual([]);
    expect(new Set(reports.flatMap((r) => r.delivered))).toEqual(new Set(DESTS));
    expect(await db.job.count({ where: { kind: DIGEST_PLAN_JOB } })).toBe(1);
    expect(await db.job.count({ where: { kind: DIGEST_DELIVER_JOB } })).toBe(3);

    for (const dest of DESTS) {
      expect(tops(dest), dest).toHaveLength(1);
      const all = posts(dest);
      // One message: the ten most urgent per colour (RED first); "See all" pages through the rest.
      expect(all).toHaveLength(1);
      const shown = rowIds(all[0]!.args.blocks);
      expect(shown).toHaveLength(20);
      expect(shown.slice(0, 10).every((id) => red.includes(id))).toBe(true);
      expect(shown.slice(10).every((id) => yellow.includes(id))).toBe(true);
    }
    const rows = await jobRows();
    expect(rows.map((r) => [r.destination, r.status, r.attempts])).toEqual([
      ["", "done", 1],
      [CHANNEL, "done", 1],
      ["UADMIN", "done", 1],
      ["UMANAGER", "done", 1],
    ]);
    expect((rows[1]!.detail as { parts: string[] }).parts).toHaveLength(1);
    // Health was recomputed once, before the digest: one audited score change per creator.
    expect((await db.auditLog.count({ where: { targetModel: "Creator" } })) - auditBefore).toBe(60);

    // A later firing the same day posts nothing.
    const again = await fireDigest(replicas[0]!, new Date());
    expect(again.delivered).toEqual([]);
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(3);
  });

  it("crash and resume: a post that fails is recorded; the retry posts it once", async () => {
    await seedCreators(db, "RED", 60);
    failFirstPostOnce();
    const deps = replica({ backoffMs: 1_500 });
    await fireDigestAndWatch(deps);

    expect(h.logs.text()).toMatch(/digest could not be delivered.*C0DIGEST|C0DIGEST.*digest could not be delivered/);
    expect(posts("UADMIN")).toHaveLength(1); // not blocked by the channel
    const done = (await jobRows()).find((r) => r.destination === CHANNEL)!;
    expect([done.status, done.attempts, (done.detail as { parts: string[] }).parts.length]).toEqual(["done", 2, 1]);
    const channel = posts(CHANNEL);
    expect(channel).toHaveLength(2); // refused, then posted
    expect(new Set(rowIds(channel[1]!.args.blocks)).size).toBe(10);

    /** Fires, sees the channel's first attempt recorded as failed (1 part), then lets the retry finish. */
    async function fireDigestAndWatch(d: FeatureDeps) {
      const fired = fireDigest(d, new Date());
      for (let i = 0; ; i++) {
        const row = (await jobRows()).find((r) => r.destination === CHANNEL);
        if (row?.status === "failed") {
          expect(row.error).toBe("internal_error");
          expect((row.detail as { parts: string[] }).parts).toHaveLength(0);
          break;
        }
        if (i > 400) throw new Error("the failed attempt was never recorded");
        await new Promise((r) => setTimeout(r, 10));
      }
      await fired;
      await digestJobsSettled(db);
    }
  });

  it("a replica that died mid-digest is taken over within seconds (not a 10-minute stale window); recorded parts are not posted again", async () => {
    await seedCreators(db, "RED", 60);
    // Plan today's digest (one replica), but leave the deliveries to the crash below.
    const planner = createJobWorker({
      store: createJobStore(db),
      handlers: digestJobs(h.bot.deps).filter((x) => x.kind === DIGEST_PLAN_JOB),
      owner: "planner",
      logger: h.logs.logger,
      metrics: h.bot.metrics,
      pollMs: 50,
    });
    planner.start();
    workers.push(planner);
    await fireDigest(h.bot.deps, new Date()).catch(() => undefined);
    await planner.drain(Date.now() + 2_000);

    // The doomed replica claims the channel's delivery, posts part 1, records it, and dies
    // right then, before part 2 (its process is gone: no more posts, heartbeats or records).
    const doomed = createJobStore(db);
    const claimed = await doomed.claim("doomed", [{ kind: DIGEST_DELIVER_JOB, limit: 3 }], 60_000);
    const mine = claimed.find((j) => j.payload.destination === CHANNEL)!;
    for (const j of claimed) if (j !== mine) await doomed.handBack(j);
    const never = new Promise<boolean>(() => undefined);
    let recorded = 0;
    void deliverDigest(h.bot.deps, mine, {
      signal: new AbortController().signal,
      logger: h.logs.logger,
      checkpoint: async (p) => {
        if (++recorded === 1) await doomed.checkpoint(mine, p);
        return never;
      },
    });
    await h.slack.waitFor(() => posts(CHANNEL).length === 1 && recorded === 1);
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    replica({ staleAfterMs: 1_500 });
    await digestJobsSettled(db, 15_000);
    expect(Date.now() - started).toBeLessThan(6_000);
    const row = (await jobRows()).find((r) => r.destination === CHANNEL)!;
    expect([row.status, (row.detail as { parts: string[] }).parts.length]).toEqual(["done", 1]);
    const channel = posts(CHANNEL);
    expect(channel).toHaveLength(1); // posted by the dead replica and recorded: not posted again
    expect(new Set(rowIds(channel[0]!.args.blocks)).size).toBe(10);
    expect(await db.job.findFirstOrThrow({ where: { kind: DIGEST_DELIVER_JOB, dedupeKey: { endsWith: CHANNEL } } })).toMatchObject({
      status: "done",
      attempts: 2,
    });
  });
});

describe("Slack faults", () => {
  it("retries 429 (honouring Retry-After) and 500 with backoff, and posts once (nock)", async () => {
    await seedCreators(db, "RED", 3);
    const scope = nock(h.slack.url, { allowUnmocked: true })
      .post("/api/chat.postMessage")
      .reply(429, { ok: false, error: "ratelimited" }, { "Retry-After": "1" })
      .post("/api/chat.postMessage")
      .reply(500, "upstream broke");
    const started = Date.now();
    const report = await fireDigest(replica(), new Date());
    expect(scope.isDone()).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(report.delivered.sort()).toEqual([...DESTS].sort());
    // Both faults were answered by nock before Slack saw the post; every destination reached Slack once.
    expect(
      h.slack
        .callsTo("chat.postMessage")
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual([...DESTS].sort());
  });

  it("retries a burst of 429s with Retry-After (FakeSlack)", async () => {
    await seedCreators(db, "YELLOW", 2);
    let limited = 0;
    h.slack.on("chat.postMessage", (args) =>
      args.channel === CHANNEL && limited++ < 2 ? { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } } : undefined,
    );
    const report = await fireDigest(replica(), new Date());
    expect(report.failed).toEqual([]);
    expect(tops(CHANNEL)).toHaveLength(3); // two refused, one accepted
    expect(tops("UADMIN")).toHaveLength(1);
    expect((await jobRows()).every((r) => r.status === "done")).toBe(true);
  });

  it("a destination failing for good (500 every time) is recorded and logged, does not block the others, and is reported in the next digest's header with the change since", async () => {
    const [gone, stays] = await seedCreators(db, "RED", 2, { prefix: "Old" });
    await seedCreators(db, "YELLOW", 1);
    h.slack.on("chat.postMessage", (args) => (args.channel === "UMANAGER" ? { status: 500, body: "down" } : undefined));

    const deps = replica({ backoffMs: 50 });
    const day1 = await fireDigest(deps, new Date(), 60_000);
    expect(day1.delivered.sort()).toEqual([CHANNEL, "UADMIN"]);
    expect(day1.failed).toEqual([{ destination: "UMANAGER", error: "HTTP 500" }]);
    // Each attempt is the client's 3 retries; the queue gives up after 5 attempts.
    expect(posts("UMANAGER").length).toBe(20);
    expect(await db.job.findFirstOrThrow({ where: { kind: DIGEST_DELIVER_JOB, dedupeKey: { endsWith: "UMANAGER" } } })).toMatchObject({
      status: "dead",
      attempts: 5,
    });
    expect((await jobRows()).find((r) => r.destination === "UMANAGER")).toMatchObject({ status: "failed", error: "HTTP 500" });
    expect(h.logs.text()).toContain("digest could not be delivered");

    // Make that yesterday's run, then change the world: one RED recovers, one new RED appears.
    const yesterday = addDays(todayUtc(), -1);
    await db.$executeRaw`UPDATE wl_job_run SET run_key = ${yesterday}`;
    await db.$executeRaw`UPDATE wl_health_snapshot SET day = ${yesterday}::date`;
    await db.$executeRaw`DELETE FROM wl_job`;
    await db.creator.update({ where: { id: gone! }, data: { lastContactedDate: toDbDate(todayUtc()) } });
    const [fresh] = await seedCreators(db, "RED", 1, { stored: "GREEN", prefix: "New" });
    h.slack.reset();

    await fireDigest(deps, new Date());
    const header = JSON.stringify(tops(CHANNEL)[0]!.args.blocks);
    expect(header).toContain("could not be delivered to <@UMANAGER> (HTTP 500)");
    expect(header).toMatch(/\*1\* new RED · ✅ \*1\* recovered \(Old Brand \d+\)/);
    expect(rowIds(tops(CHANNEL)[0]!.args.blocks)).toEqual(expect.arrayContaining([fresh, stays]));
    expect(rowIds(tops(CHANNEL)[0]!.args.blocks)).not.toContain(gone);
    expect(tops("UMANAGER")).toHaveLength(1); // today it worked
  });
});
