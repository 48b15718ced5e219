import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { createDatabase, type Db } from "../../src/db.js";
import { AUDIT_CHAIN_LOCK_KEY, createHealthService, WRITE_CHUNK } from "../../src/features/health/health-service.js";
import { LOCK_MOVED_SQL } from "../../src/features/health/health-sql.js";
import { claimNightly, HEALTH_JOB, MAX_ATTEMPTS, runKeyOf, runNightlyHealth, STALE_CLAIM_MINUTES } from "../../src/features/health/health-job.js";
import { schedules } from "../../src/features/health/register.js";
import type { FeatureDeps } from "../../src/features/types.js";
import { SYSTEM_ACTOR } from "../../src/identity/actor.js";
import { addDays } from "../../src/lib/dates.js";
import { daysAgo, insertCreator, insertMilestone } from "../helpers/health-fixtures.js";

const TZ = "UTC";
const DAY1 = "2026-06-15";
const firedOn = (day: string) => new Date(`${day}T00:05:00Z`);

let tdb: TestDatabase;
let db: Db;
let sql: pg.Client;
beforeAll(async () => {
  tdb = await createTestDatabase();
  db = tdb.db;
  sql = new pg.Client({ connectionString: tdb.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await tdb?.drop();
});

/** A replica: its own connection pool and health service, as a separate process would have. */
function replica() {
  const rdb = createDatabase(tdb.appUrl, { max: 3 });
  return { deps: { db: rdb.db, health: createHealthService({ ...rdb, tz: TZ }) }, close: () => rdb.db.$disconnect() };
}

const jobRows = () => db.jobRun.findMany({ where: { job: HEALTH_JOB }, orderBy: { runKey: "asc" } });
const xminOf = async (ids: string[]) =>
  new Map(
    (await sql.query<{ id: string; xmin: string }>("SELECT id::text, xmin::text FROM studio_crm_creator WHERE id = ANY($1::uuid[])", [ids])).rows.map((r) => [
      r.id,
      r.xmin,
    ]),
  );

/** Creators whose scores move on DAY1 and again on the day after, plus steady ones. */
async function seedWorld() {
  const goesRed = await insertCreator(db, DAY1, { brandName: "Silent Brand", lastContactedDate: daysAgo(DAY1, 31) });
  const goesYellow = await insertCreator(db, DAY1, { brandName: "Late Brand" });
  await insertMilestone(db, goesYellow.id, { targetDate: daysAgo(DAY1, 7) }); // 7 days: YELLOW today, RED tomorrow
  const steady = [];
  for (let i = 0; i < 5; i++) steady.push(await insertCreator(db, DAY1, { lastContactedDate: daysAgo(DAY1, 2) }));
  const paused = await insertCreator(db, DAY1, { journeyStatus: "PAUSED", lastContactedDate: daysAgo(DAY1, 200) });
  return { goesRed, goesYellow, steady, paused };
}

beforeEach(async () => {
  // Each test starts from no job rows and GREEN creators (audit rows are append-only; tests filter by target).
  await sql.query("DELETE FROM wl_job_run");
  await sql.query("DELETE FROM studio_crm_creator");
});

describe("nightly health recompute (runNightlyHealth)", () => {
  it("race: six replicas firing at once on one database: exactly one run does the work", async () => {
    const w = await seedWorld();
    const replicas = Array.from({ length: 6 }, replica);
    try {
      const results = await Promise.all(replicas.map((r) => runNightlyHealth(r.deps, firedOn(DAY1))));
      const ran = results.filter((r) => r.ran);
      expect(ran).toHaveLength(1);
      expect(ran[0]).toEqual({ ran: true, scanned: 8, changed: 2 });
      expect(results.filter((r) => !r.ran)).toEqual(Array(5).fill({ ran: false, scanned: 0, changed: 0 }));

      const [job] = await jobRows();
      expect(job).toMatchObject({ runKey: DAY1, destination: "", status: "done", attempts: 1, error: null });
      expect(job!.completedAt).not.toBeNull();
      expect(job!.detail).toMatchObject({ scanned: 8, changed: 2, skipped: 0, byScore: { GREEN: 6, YELLOW: 1, RED: 1 } });
      // One audit row per moved creator, not one per replica.
      expect(await db.auditLog.count({ where: { targetId: { in: [w.goesRed.id, w.goesYellow.id] } } })).toBe(2);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });

  it("audits each moved score under the system identity, with the reasons in notes", async () => {
    const w = await seedWorld();
    await runNightlyHealth({ db, health: createHealthService({ db, pool: tdb.pool, tz: TZ }) }, firedOn(DAY1));
    const red = await db.auditLog.findFirstOrThrow({ where: { targetId: w.goesRed.id } });
    expect(red).toMatchObject({
      userId: null,
      userEmail: SYSTEM_ACTOR.email,
      slackUserId: null,
      actionType: "UPDATE",
      targetModel: "Creator",
      targetDisplay: expect.stringContaining("Silent Brand"),
      changes: { health_score: { from: "GREEN", to: "RED" } },
      notes: "nightly recompute: no contact for 31 days",
    });
    const yellow = await db.auditLog.findFirstOrThrow({ where: { targetId: w.goesYellow.id } });
    expect(yellow.notes).toBe("nightly recompute: 1 milestone overdue by 7 days");
    expect(await db.auditLog.count({ where: { targetId: w.paused.id } })).toBe(0);
  });

  it("a paused or archived creator with overdue milestones, stored RED, is written GREEN (its milestones are not read, and the write does not ask them)", async () => {
    // The read skips the milestone summary of creators whose score is not tracked; the write's
    // re-check must skip it alike, or such a creator would be handed back as changed-meanwhile
    // every night and never written.
    const paused = await insertCreator(db, DAY1, { journeyStatus: "PAUSED", healthScore: "RED" });
    const archived = await insertCreator(db, DAY1, { isActive: false, healthScore: "YELLOW" });
    for (const c of [paused, archived]) await insertMilestone(db, c.id, { targetDate: daysAgo(DAY1, 30) });
    const tracked = await insertCreator(db, DAY1, { healthScore: "GREEN" });
    await insertMilestone(db, tracked.id, { targetDate: daysAgo(DAY1, 30) });
    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    expect(await runNightlyHealth({ db, health }, firedOn(DAY1))).toEqual({ ran: true, scanned: 3, changed: 3 });
    const scores = new Map((await db.creator.findMany({ select: { id: true, healthScore: true } })).map((c) => [c.id, c.healthScore]));
    expect([scores.get(paused.id), scores.get(archived.id), scores.get(tracked.id)]).toEqual(["GREEN", "GREEN", "RED"]);
    const notes = await db.auditLog.findMany({ where: { targetId: { in: [paused.id, archived.id] } }, select: { notes: true } });
    expect(notes.map((n) => n.notes).sort()).toEqual(["nightly recompute: archived: health not tracked", "nightly recompute: paused: health not tracked"]);
  });

  it("writes only the rows whose score changed; a second firing the same day does nothing; the next day runs again", async () => {
    const w = await seedWorld();
    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    const all = [w.goesRed.id, w.goesYellow.id, w.paused.id, ...w.steady.map((s) => s.id)];
    const before = await xminOf(all);
    expect(await runNightlyHealth({ db, health }, firedOn(DAY1))).toEqual({ ran: true, scanned: 8, changed: 2 });
    const after1 = await xminOf(all);
    for (const id of all) {
      const moved = id === w.goesRed.id || id === w.goesYellow.id;
      expect(after1.get(id) !== before.get(id), id).toBe(moved);
    }

    expect(await runNightlyHealth({ db, health }, new Date(`${DAY1}T13:00:00Z`))).toEqual({ ran: false, scanned: 0, changed: 0 });

    const DAY2 = addDays(DAY1, 1);
    expect(await runNightlyHealth({ db, health }, firedOn(DAY2))).toEqual({ ran: true, scanned: 8, changed: 1 });
    const after2 = await xminOf(all);
    for (const id of all) expect(after2.get(id) !== after1.get(id), id).toBe(id === w.goesYellow.id);
    expect((await db.creator.findUniqueOrThrow({ where: { id: w.goesYellow.id } })).healthScore).toBe("RED");
    expect((await jobRows()).map((j) => [j.runKey, j.status])).toEqual([
      [DAY1, "done"],
      [DAY2, "done"],
    ]);
  });

  it("a crashed run (still 'running', claimed more than 30 minutes ago by the database's clock) is taken over; a recent one is not", async () => {
    await seedWorld();
    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    expect(await claimNightly(db, DAY1)).toMatchObject({ attempts: 1 }); // a replica claims, then dies
    expect(await runNightlyHealth({ db, health }, firedOn(DAY1))).toMatchObject({ ran: false });

    await sql.query(`UPDATE wl_job_run SET claimed_at = now() - make_interval(mins => $1)`, [STALE_CLAIM_MINUTES - 1]);
    expect(await runNightlyHealth({ db, health }, firedOn(DAY1))).toMatchObject({ ran: false });

    await sql.query(`UPDATE wl_job_run SET claimed_at = now() - make_interval(mins => $1)`, [STALE_CLAIM_MINUTES + 1]);
    const replicas = Array.from({ length: 4 }, replica);
    try {
      // race: several replicas see the same stale claim; the conditional UPDATE lets one take it.
      const results = await Promise.all(replicas.map((r) => runNightlyHealth(r.deps, firedOn(DAY1))));
      expect(results.filter((r) => r.ran)).toEqual([{ ran: true, scanned: 8, changed: 2 }]);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
    expect(await jobRows()).toMatchObject([{ status: "done", attempts: 2 }]);
  });

  it("a failed run is retried by a later firing (the digest's call), at most MAX_ATTEMPTS times", async () => {
    await seedWorld();
    const broken = { db, health: { tz: TZ, recomputeAll: async () => Promise.reject(new Error("database went away")) } };
    await expect(runNightlyHealth(broken, firedOn(DAY1))).rejects.toThrow("database went away");
    expect(await jobRows()).toMatchObject([{ status: "failed", attempts: 1, error: "database went away" }]);

    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    expect(await runNightlyHealth({ db, health }, new Date(`${DAY1}T09:00:00Z`))).toMatchObject({ ran: true, changed: 2 });
    expect(await jobRows()).toMatchObject([{ status: "done", attempts: 2, error: null }]);

    await sql.query("DELETE FROM wl_job_run");
    for (let i = 1; i <= MAX_ATTEMPTS; i++) await expect(runNightlyHealth(broken, firedOn(DAY1))).rejects.toThrow();
    expect(await runNightlyHealth({ db, health }, firedOn(DAY1))).toMatchObject({ ran: false });
    expect(await jobRows()).toMatchObject([{ status: "failed", attempts: MAX_ATTEMPTS }]);
  });

  it("the run is for the calendar day in DIGEST_TZ that it fired on", () => {
    expect(runKeyOf(new Date("2026-03-10T06:59:59Z"), "America/Los_Angeles")).toBe("2026-03-09");
    expect(runKeyOf(new Date("2026-03-10T07:05:00Z"), "America/Los_Angeles")).toBe("2026-03-10");
    expect(runKeyOf(new Date("2026-03-09T15:05:00Z"), "Asia/Tokyo")).toBe("2026-03-10");
  });

  it("is scheduled nightly at 00:05 in DIGEST_TZ", () => {
    const deps = { config: { digest: { tz: "Europe/London" } } } as unknown as FeatureDeps;
    expect(schedules(deps).map(({ name, cron, tz }) => ({ name, cron, tz }))).toEqual([{ name: "health-nightly", cron: "5 0 * * *", tz: "Europe/London" }]);
  });

  it("locks a chunk of moved creators by primary-key probes, never by scanning every creator", async () => {
    // Enough creators that a chunk is a fraction of them: with the chunk's ids known at planning
    // as `id = ANY(array)`, Postgres filtered a sequential scan of the whole table through them.
    await sql.query(
      `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, brand_name, brand_niche,
                                       journey_status, health_score, last_status_change, is_active)
       SELECT gen_random_uuid(), now(), now(), 'Creator ' || g, 'lock' || g || '@health.test', 'Brand ' || g, 'niche', 'LIVE', 'GREEN', now(), true
         FROM generate_series(1, 4 * $1::int) g`,
      [WRITE_CHUNK],
    );
    await sql.query("ANALYZE studio_crm_creator");
    const ids = (await sql.query<{ id: string }>("SELECT id::text FROM studio_crm_creator ORDER BY random() LIMIT $1", [WRITE_CHUNK])).rows.map((r) => r.id);
    const plan = (await sql.query<{ "QUERY PLAN": string }>(`EXPLAIN ${LOCK_MOVED_SQL}`, [ids.join(",")])).rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).toContain("studio_crm_creator_pkey");
    expect(plan).not.toMatch(/Seq Scan on studio_crm_creator|Hash Join/);
    // And it locks what it was given, in id order, skipping rows another transaction holds.
    const held = new pg.Client({ connectionString: tdb.url });
    await held.connect();
    try {
      await held.query("BEGIN");
      await held.query("SELECT 1 FROM studio_crm_creator WHERE id = $1::uuid FOR NO KEY UPDATE", [ids[0]]);
      const [row] = (await sql.query<{ ids: string }>(LOCK_MOVED_SQL, [ids.join(",")])).rows;
      expect(row!.ids.split(",")).toEqual(ids.slice(1).sort());
    } finally {
      await held.query("ROLLBACK");
      await held.end();
    }
  });

  it("takes the audit chain's own lock key (so its wait for the chain, holding creator rows, is bounded by lock_timeout)", async () => {
    const { rows } = await sql.query<{ prosrc: string }>("SELECT prosrc FROM pg_proc WHERE proname = 'wl_audit_chain'");
    expect(rows[0]?.prosrc).toContain(`pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
  });
});
