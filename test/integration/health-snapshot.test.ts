import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { createDatabase, createDb, type Db, type Pool } from "../../src/db.js";
import { createHealthService } from "../../src/features/health/health-service.js";
import { runNightlyHealth } from "../../src/features/health/health-job.js";
import {
  ensureHealthSnapshot,
  healthCountsByDay,
  SNAPSHOT_KEEP_DAYS,
  statusChangesSince,
  writeHealthSnapshot,
} from "../../src/features/health/health-snapshot.js";
import { createDigestService } from "../../src/features/digests/digest-service.js";
import { addDays } from "../../src/lib/dates.js";
import { daysAgo, insertCreator } from "../helpers/health-fixtures.js";

const DAY = "2026-06-15";
const YESTERDAY = addDays(DAY, -1);

let tdb: TestDatabase;
let owner: Db;
let app: Db; // the limited role the bot runs as
let appPool: Pool;
let sql: pg.Client;
beforeAll(async () => {
  tdb = await createTestDatabase();
  owner = tdb.db;
  ({ db: app, pool: appPool } = createDatabase(tdb.appUrl, { max: 3 }));
  sql = new pg.Client({ connectionString: tdb.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await app?.$disconnect();
  await tdb?.drop();
});
beforeEach(async () => {
  await sql.query("DELETE FROM wl_health_snapshot");
  await sql.query("DELETE FROM wl_job_run");
  await sql.query("DELETE FROM studio_crm_creator");
});

const rowsOf = async (day: string) =>
  (
    await sql.query<{ creator_id: string; status: string }>(
      "SELECT creator_id::text, status FROM wl_health_snapshot WHERE day = $1::date ORDER BY creator_id",
      [day],
    )
  ).rows;
const setScore = (id: string, score: string) => sql.query("UPDATE studio_crm_creator SET health_score = $2 WHERE id = $1::uuid", [id, score]);

describe("wl_health_snapshot", () => {
  it("the nightly recompute writes the day's recomputed statuses for tracked creators only", async () => {
    const red = await insertCreator(owner, DAY, { lastContactedDate: daysAgo(DAY, 40) });
    const green = await insertCreator(owner, DAY);
    await insertCreator(owner, DAY, { journeyStatus: "PAUSED", lastContactedDate: daysAgo(DAY, 200) });
    await insertCreator(owner, DAY, { isActive: false });
    const r = await runNightlyHealth({ db: app, health: createHealthService({ db: app, pool: appPool, tz: "UTC" }) }, new Date(`${DAY}T00:05:00Z`));
    expect(r.ran).toBe(true);
    const rows = await rowsOf(DAY);
    expect(new Map(rows.map((x) => [x.creator_id, x.status]))).toEqual(
      new Map([
        [red.id, "RED"],
        [green.id, "GREEN"],
      ]),
    );
  });

  it("the nightly run's statuses replace an earlier digest's; a digest's write only fills in what is missing", async () => {
    const c = await insertCreator(owner, DAY, { healthScore: "GREEN", lastContactedDate: daysAgo(DAY, 40) });
    // A digest built before the nightly run: stored (stale) score.
    expect(await ensureHealthSnapshot(app, DAY)).toBe(true);
    expect(await rowsOf(DAY)).toEqual([{ creator_id: c.id, status: "GREEN" }]);
    // A second build the same day writes nothing, even though the score moved.
    await setScore(c.id, "YELLOW");
    expect(await ensureHealthSnapshot(app, DAY)).toBe(false);
    await writeHealthSnapshot(app, DAY);
    expect(await rowsOf(DAY)).toEqual([{ creator_id: c.id, status: "GREEN" }]);
    // The nightly run is authoritative for the day.
    await runNightlyHealth({ db: app, health: createHealthService({ db: app, pool: appPool, tz: "UTC" }) }, new Date(`${DAY}T00:05:00Z`));
    expect(await rowsOf(DAY)).toEqual([{ creator_id: c.id, status: "RED" }]);
  });

  it("race: concurrent on-demand writes of the same day insert each creator once", async () => {
    for (let i = 0; i < 20; i++) await insertCreator(owner, DAY);
    const dbs = Array.from({ length: 4 }, () => createDb(tdb.appUrl, { max: 2 }));
    try {
      await Promise.all(dbs.map((d) => ensureHealthSnapshot(d, DAY)));
    } finally {
      await Promise.all(dbs.map((d) => d.$disconnect()));
    }
    expect(await rowsOf(DAY)).toHaveLength(20);
  });

  it("days older than 35 days are pruned when a day is written", async () => {
    const c = await insertCreator(owner, DAY);
    const keep = addDays(DAY, -SNAPSHOT_KEEP_DAYS);
    const drop = addDays(DAY, -SNAPSHOT_KEEP_DAYS - 1);
    for (const d of [keep, drop]) await sql.query("INSERT INTO wl_health_snapshot VALUES ($1::date, $2::uuid, 'RED')", [d, c.id]);
    const r = await writeHealthSnapshot(app, DAY);
    expect(r).toEqual({ written: 1, pruned: 1 });
    expect(await rowsOf(drop)).toEqual([]);
    expect(await rowsOf(keep)).toHaveLength(1);
  });

  it("building a digest writes today's snapshot when it is missing", async () => {
    await insertCreator(owner, DAY, { healthScore: "RED", lastContactedDate: daysAgo(DAY, 40) });
    await createDigestService({ db: app, health: createHealthService({ db: app, pool: appPool, tz: "UTC" }) }).prepare(DAY, { compareWithToday: true });
    expect(await rowsOf(DAY)).toEqual([expect.objectContaining({ status: "RED" })]);
  });

  it("healthCountsByDay: exactly `days` entries, oldest first, days without a snapshot as zeros", async () => {
    const a = await insertCreator(owner, DAY);
    const b = await insertCreator(owner, DAY);
    const ins = (d: string, id: string, s: string) => sql.query("INSERT INTO wl_health_snapshot VALUES ($1::date, $2::uuid, $3)", [d, id, s]);
    await ins(DAY, a.id, "RED");
    await ins(DAY, b.id, "YELLOW");
    await ins(addDays(DAY, -2), a.id, "GREEN");
    await ins(addDays(DAY, -2), b.id, "GREEN");
    await ins(addDays(DAY, -20), a.id, "RED"); // outside the window
    await ins(addDays(DAY, 1), a.id, "RED"); // after `now`
    const counts = await healthCountsByDay(app, { days: 14, now: new Date(`${DAY}T23:30:00Z`) });
    expect(counts).toHaveLength(14);
    expect(counts[0]!.day).toBe(addDays(DAY, -13));
    expect(counts[13]).toEqual({ day: DAY, red: 1, yellow: 1, green: 0 });
    expect(counts[12]).toEqual({ day: YESTERDAY, red: 0, yellow: 0, green: 0 });
    expect(counts[11]).toEqual({ day: addDays(DAY, -2), red: 0, yellow: 0, green: 2 });
    // The day is the studio's: 23:30 UTC on DAY is already the next day in Auckland.
    const nz = await healthCountsByDay(app, { days: 14, now: new Date(`${DAY}T23:30:00Z`), tz: "Pacific/Auckland" });
    expect(nz[13]).toEqual({ day: addDays(DAY, 1), red: 1, yellow: 0, green: 0 });
  });

  it("statusChangesSince: new RED and recovered between two days, with names; null without a snapshot to compare", async () => {
    const worsened = await insertCreator(owner, DAY, { brandName: "A Worsened" });
    const recovered = await insertCreator(owner, DAY, { brandName: "B Recovered" });
    const stillRed = await insertCreator(owner, DAY, { brandName: "C Still red" });
    const paused = await insertCreator(owner, DAY, { brandName: "D Paused" });
    const fresh = await insertCreator(owner, DAY, { brandName: "E New" });
    const ins = (d: string, id: string, s: string) => sql.query("INSERT INTO wl_health_snapshot VALUES ($1::date, $2::uuid, $3)", [d, id, s]);
    expect(await statusChangesSince(app, YESTERDAY)).toBeNull();
    await ins(YESTERDAY, worsened.id, "YELLOW");
    await ins(YESTERDAY, recovered.id, "RED");
    await ins(YESTERDAY, stillRed.id, "RED");
    await ins(YESTERDAY, paused.id, "RED");
    expect(await statusChangesSince(app, YESTERDAY)).toBeNull(); // nothing after it yet
    await ins(DAY, worsened.id, "RED");
    await ins(DAY, recovered.id, "GREEN");
    await ins(DAY, stillRed.id, "RED");
    await ins(DAY, fresh.id, "RED");
    await sql.query("DELETE FROM studio_crm_creator WHERE id = $1::uuid", [fresh.id]);
    const ch = await statusChangesSince(app, YESTERDAY);
    expect(ch).toEqual({
      since: YESTERDAY,
      until: DAY,
      newRed: [
        { id: worsened.id, name: "A Worsened" },
        { id: fresh.id, name: "(deleted)" },
      ],
      recovered: [{ id: recovered.id, name: "B Recovered" }],
    });
    expect(await statusChangesSince(app, YESTERDAY, { until: DAY })).toEqual(ch);
    expect(await statusChangesSince(app, YESTERDAY, { until: addDays(DAY, 3) })).toBeNull();
  });
});
