import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { createDatabase, type Db } from "../../src/db.js";
import { AUDIT_CHAIN_LOCK_KEY, createHealthService } from "../../src/features/health/health-service.js";
import { computeHealth, summariseMilestones } from "../../src/features/health/health-fns.js";
import { toHealthInput } from "../../src/features/health/health-service.js";
import { SYSTEM_ACTOR, type Actor } from "../../src/identity/actor.js";
import { fromDbDate } from "../../src/lib/dates.js";
import { daysAgo, insertCreator, insertMilestone } from "../helpers/health-fixtures.js";

const TODAY = "2026-06-15";
const TZ = "UTC";
let tdb: TestDatabase;
let db: Db;
beforeAll(async () => {
  tdb = await createTestDatabase();
  db = tdb.db;
});
afterAll(async () => {
  await tdb?.drop();
});

const staff: Actor = { userId: null, email: "sam@studio.test", role: "staff", slackUserId: "USTAFF", slackTeamId: "T0TEST", displayName: "Sam" };

/** What the pure rules say for a creator, from rows read back one by one. */
async function expected(id: string) {
  const c = await db.creator.findUniqueOrThrow({ where: { id } });
  const ms = await db.milestone.findMany({ where: { creatorId: id } });
  const s = summariseMilestones(
    ms.map((m) => ({ targetDate: fromDbDate(m.targetDate), isCompleted: m.isCompleted })),
    TODAY,
  );
  return computeHealth(toHealthInput(c, s), TODAY, TZ);
}

describe("health service against Postgres", () => {
  it("recompute: writes a moved score and audits it under the acting user with the reasons; an unmoved score writes nothing", async () => {
    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    const c = await insertCreator(db, TODAY, { lastContactedDate: daysAgo(TODAY, 19) });
    await insertMilestone(db, c.id, { targetDate: daysAgo(TODAY, 12) });
    await insertMilestone(db, c.id, { targetDate: daysAgo(TODAY, 3) });

    const r = await db.$transaction((tx) => health.recompute(tx, c.id, staff, TODAY));
    expect(r).toEqual({ score: "RED", reasons: ["2 milestones overdue, the oldest by 12 days", "no contact for 19 days"], changed: true });
    expect((await db.creator.findUniqueOrThrow({ where: { id: c.id } })).healthScore).toBe("RED");
    const rows = await db.auditLog.findMany({ where: { targetId: c.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actionType: "UPDATE",
      targetModel: "Creator",
      userEmail: "sam@studio.test",
      slackUserId: "USTAFF",
      changes: { health_score: { from: "GREEN", to: "RED" } },
      notes: "2 milestones overdue, the oldest by 12 days; no contact for 19 days",
    });

    const again = await db.$transaction((tx) => health.recompute(tx, c.id, staff, TODAY));
    expect(again.changed).toBe(false);
    expect(await db.auditLog.count({ where: { targetId: c.id } })).toBe(1);
  });

  it("recompute of a creator that no longer exists is a clear refusal, not a crash", async () => {
    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    await expect(db.$transaction((tx) => health.recompute(tx, "00000000-0000-4000-8000-000000000000", staff, TODAY))).rejects.toMatchObject({
      userMessage: "That creator no longer exists.",
    });
  });

  it("recomputeAll, healthFor and the pure rules agree on every creator (the SQL overdue summary = summariseMilestones)", async () => {
    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    const statuses = ["ONBOARDING", "BRAND_BUILDING", "LAUNCH", "LIVE", "PAUSED", "CLOSED"];
    const creators = fc.sample(
      fc.record({
        status: fc.constantFrom(...statuses),
        active: fc.boolean(),
        contact: fc.option(fc.integer({ min: -3, max: 60 }), { nil: null }),
        created: fc.integer({ min: 0, max: 90 }),
        followUp: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null }),
        statusDays: fc.integer({ min: 0, max: 90 }),
        score: fc.constantFrom("GREEN", "YELLOW", "RED"),
        milestones: fc.array(fc.record({ target: fc.option(fc.integer({ min: -30, max: 30 }), { nil: null }), done: fc.boolean() }), { maxLength: 6 }),
      }),
      { numRuns: 150, seed: 42 },
    );
    const ids: string[] = [];
    for (const s of creators) {
      const c = await insertCreator(db, TODAY, {
        journeyStatus: s.status,
        isActive: s.active,
        healthScore: s.score,
        lastContactedDate: s.contact === null ? null : daysAgo(TODAY, s.contact),
        createdAt: new Date(`${daysAgo(TODAY, s.created)}T08:00:00Z`),
        nextFollowUpDate: s.followUp === null ? null : daysAgo(TODAY, s.followUp),
        lastStatusChange: new Date(`${daysAgo(TODAY, s.statusDays)}T20:00:00Z`),
      });
      for (const m of s.milestones) await insertMilestone(db, c.id, { targetDate: m.target === null ? null : daysAgo(TODAY, m.target), isCompleted: m.done });
      ids.push(c.id);
    }
    await health.recomputeAll(SYSTEM_ACTOR, TODAY);
    const rows = await db.creator.findMany({ where: { id: { in: ids } } });
    const viaHealthFor = await health.healthFor(rows, TODAY);
    for (const row of rows) {
      const want = await expected(row.id);
      expect(row.healthScore, row.id).toBe(want.score);
      expect(viaHealthFor.get(row.id), row.id).toEqual(want);
    }
  });

  it("scores the same whatever the database session's time zone (dates go in as dates, not instants)", async () => {
    // Pago Pago is UTC-11: a JS Date for midnight UTC would be the previous day there.
    const url = new URL(tdb.url);
    url.searchParams.set("options", "-c TimeZone=Pacific/Pago_Pago");
    const { db: other, pool: otherPool } = createDatabase(url.toString(), { max: 2 });
    try {
      const health = createHealthService({ db: other, pool: otherPool, tz: TZ });
      const c = await insertCreator(db, TODAY);
      await insertMilestone(db, c.id, { targetDate: daysAgo(TODAY, 1) });
      const r = await other.$transaction((tx) => health.recompute(tx, c.id, staff, TODAY));
      expect(r).toMatchObject({ score: "YELLOW", reasons: ["1 milestone overdue by 1 day"] });
      const h = await health.healthFor([await db.creator.findUniqueOrThrow({ where: { id: c.id } })], TODAY);
      expect(h.get(c.id)).toEqual({ score: "YELLOW", reasons: ["1 milestone overdue by 1 day"] });
    } finally {
      await other.$disconnect();
    }
  });

  it("the nightly reads instants as instants: the studio's calendar day, whatever the session's time zone", async () => {
    // The studio is in Tokyo (UTC+9, no DST); the database session in Pago Pago (UTC-11). A
    // status change at 20:00 UTC on 30 April is 1 May in Tokyo: 45 days before TODAY, not
    // stalled. At 14:00 UTC it is still 30 April in Tokyo: 46 days, stalled (YELLOW).
    const url = new URL(tdb.url);
    url.searchParams.set("options", "-c TimeZone=Pacific/Pago_Pago");
    const other = createDatabase(url.toString(), { max: 2 });
    try {
      const health = createHealthService({ ...other, tz: "Asia/Tokyo" });
      await health.recomputeAll(SYSTEM_ACTOR, TODAY); // settle earlier tests' creators
      const onboarding = { journeyStatus: "ONBOARDING", lastContactedDate: TODAY };
      const mayFirst = await insertCreator(db, TODAY, { ...onboarding, healthScore: "YELLOW", lastStatusChange: new Date("2026-04-30T20:00:00Z") });
      const aprilThirtieth = await insertCreator(db, TODAY, { ...onboarding, healthScore: "GREEN", lastStatusChange: new Date("2026-04-30T14:00:00Z") });
      expect(await health.recomputeAll(SYSTEM_ACTOR, TODAY)).toMatchObject({ changed: 2 });
      const stored = await db.creator.findMany({ where: { id: { in: [mayFirst.id, aprilThirtieth.id] } }, select: { id: true, healthScore: true } });
      expect(Object.fromEntries(stored.map((c) => [c.id, c.healthScore]))).toEqual({ [mayFirst.id]: "GREEN", [aprilThirtieth.id]: "YELLOW" });
      const rows = await db.creator.findMany({ where: { id: { in: [mayFirst.id, aprilThirtieth.id] } } });
      const shown = await health.healthFor(rows, TODAY);
      expect(shown.get(aprilThirtieth.id)).toEqual({ score: "YELLOW", reasons: ["in onboarding for 46 days"] });
      expect(shown.get(mayFirst.id)).toEqual({ score: "GREEN", reasons: [] });
    } finally {
      await other.db.$disconnect();
    }
  });

  it("race: a creator changed between the nightly's read and its write is scored again, never overwritten with a stale score", async () => {
    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    await health.recomputeAll(SYSTEM_ACTOR, TODAY); // settle earlier tests' creators
    const contacted = await insertCreator(db, TODAY, { lastContactedDate: daysAgo(TODAY, 40) }); // RED when read
    const milestoned = await insertCreator(db, TODAY);
    const late = await insertMilestone(db, milestoned.id, { targetDate: daysAgo(TODAY, 9) }); // RED when read
    const control = await insertCreator(db, TODAY, { lastContactedDate: daysAgo(TODAY, 40) });

    // Hold the audit chain: the run reads, scores and stalls before its audit insert (then backs
    // off and retries), so the changes below land between its lock-free read and its write.
    const gate = new pg.Client({ connectionString: tdb.url });
    const other = new pg.Client({ connectionString: tdb.url });
    await Promise.all([gate.connect(), other.connect()]);
    try {
      await gate.query("BEGIN");
      await gate.query("SELECT pg_advisory_xact_lock($1::bigint)", [AUDIT_CHAIN_LOCK_KEY]);
      const run = health.recomputeAll(SYSTEM_ACTOR, TODAY);
      const waiting = async () =>
        (await other.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1", [AUDIT_CHAIN_LOCK_KEY])).rowCount;
      for (let i = 0; i < 500 && !(await waiting()); i++) await new Promise((r) => setTimeout(r, 10));
      expect(await waiting()).toBe(1);
      // Meanwhile someone logs a contact and someone finishes the late milestone (committed at once).
      await other.query("UPDATE studio_crm_creator SET last_contacted_date = $2::date WHERE id = $1", [contacted.id, TODAY]);
      await other.query("UPDATE studio_crm_milestone SET is_completed = true, completed_date = $2::date WHERE id = $1", [late.id, TODAY]);
      await gate.query("COMMIT");
      const r = await run;
      expect(r).toMatchObject({ changed: 1, skipped: 0 });
    } finally {
      await Promise.all([gate.end(), other.end()]);
    }
    const scores = Object.fromEntries(
      (await db.creator.findMany({ where: { id: { in: [contacted.id, milestoned.id, control.id] } } })).map((c) => [c.id, c.healthScore]),
    );
    expect(scores).toEqual({ [contacted.id]: "GREEN", [milestoned.id]: "GREEN", [control.id]: "RED" });
    expect(await db.auditLog.count({ where: { targetId: { in: [contacted.id, milestoned.id] } } })).toBe(0);
  });

  it("race: a request that holds the audit chain and then wants a creator the nightly holds is delayed, never deadlocked", async () => {
    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    await health.recomputeAll(SYSTEM_ACTOR, TODAY);
    const c = await insertCreator(db, TODAY, { lastContactedDate: daysAgo(TODAY, 40) });
    const request = new pg.Client({ connectionString: tdb.url });
    const watch = new pg.Client({ connectionString: tdb.url });
    await Promise.all([request.connect(), watch.connect()]);
    try {
      // The request has written an audit row (it holds the chain) ...
      await request.query("BEGIN");
      await request.query("SELECT pg_advisory_xact_lock($1::bigint)", [AUDIT_CHAIN_LOCK_KEY]);
      const run = health.recomputeAll(SYSTEM_ACTOR, TODAY);
      for (let i = 0; i < 500; i++) {
        const { rowCount } = await watch.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1", [AUDIT_CHAIN_LOCK_KEY]);
        if (rowCount) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      // ... and now wants the creator the nightly has locked and is waiting to audit.
      const t = Date.now();
      await request.query("SELECT 1 FROM studio_crm_creator WHERE id = $1 FOR NO KEY UPDATE", [c.id]);
      expect(Date.now() - t).toBeLessThan(1_000); // under deadlock_timeout: the nightly backed off first
      await request.query("COMMIT");
      expect(await run).toMatchObject({ changed: 1, skipped: 0 });
    } finally {
      await Promise.all([request.end(), watch.end()]);
    }
    expect((await db.creator.findUniqueOrThrow({ where: { id: c.id } })).healthScore).toBe("RED");
    expect(await db.auditLog.count({ where: { targetId: c.id } })).toBe(1);
  });

  it("a chunk whose write fails commits none of it (no score without its audit row) and gives its connection back clean", async () => {
    // Its own pool, so what is still checked out after the failure is this run's alone.
    const own = createDatabase(tdb.url, { max: 3 });
    try {
      const health = createHealthService({ ...own, tz: TZ });
      await health.recomputeAll(SYSTEM_ACTOR, TODAY); // settle earlier tests' creators
      const c = await insertCreator(db, TODAY, { lastContactedDate: daysAgo(TODAY, 40) });
      const audits = await db.auditLog.count();
      // user_email is varchar(254): the chunk's statement updates the score, then its audit INSERT fails.
      const unwritable: Actor = { ...SYSTEM_ACTOR, email: `${"x".repeat(260)}@studio.test` };
      await expect(health.recomputeAll(unwritable, TODAY)).rejects.toThrow(/too long/);
      expect((await db.creator.findUniqueOrThrow({ where: { id: c.id } })).healthScore).toBe("GREEN");
      expect(await db.auditLog.count()).toBe(audits);
      expect(own.pool.totalCount - own.pool.idleCount).toBe(0);
      // The connections it gave back are out of the failed transaction: the next run writes.
      expect(await health.recomputeAll(SYSTEM_ACTOR, TODAY)).toMatchObject({ changed: 1, skipped: 0 });
      expect((await db.creator.findUniqueOrThrow({ where: { id: c.id } })).healthScore).toBe("RED");
    } finally {
      await own.db.$disconnect();
    }
  });

  it("recomputeAll skips a creator another transaction holds, leaves it alone, and gets it on the next run", async () => {
    const health = createHealthService({ db, pool: tdb.pool, tz: TZ });
    await health.recomputeAll(SYSTEM_ACTOR, TODAY); // settle earlier tests' creators
    const held = await insertCreator(db, TODAY, { lastContactedDate: daysAgo(TODAY, 40) });
    const free = await insertCreator(db, TODAY, { lastContactedDate: daysAgo(TODAY, 40) });
    const locker = new pg.Client({ connectionString: tdb.url });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM studio_crm_creator WHERE id = $1 FOR UPDATE", [held.id]);
      const r = await health.recomputeAll(SYSTEM_ACTOR, TODAY);
      expect(r).toMatchObject({ changed: 1, skipped: 1 });
      expect((await db.creator.findUniqueOrThrow({ where: { id: free.id } })).healthScore).toBe("RED");
      expect((await db.creator.findUniqueOrThrow({ where: { id: held.id } })).healthScore).toBe("GREEN");
      expect(await db.auditLog.count({ where: { targetId: held.id } })).toBe(0);
      await locker.query("ROLLBACK");
      const next = await health.recomputeAll(SYSTEM_ACTOR, TODAY);
      expect(next).toMatchObject({ changed: 1, skipped: 0 });
      expect((await db.creator.findUniqueOrThrow({ where: { id: held.id } })).healthScore).toBe("RED");
    } finally {
      await locker.end();
    }
  });
});
