import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createDatabase, type Database } from "../../src/db.js";
import { createHealthService } from "../../src/features/health/health-service.js";
import { createPickerService } from "../../src/features/picker/picker-service.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";

// The picker's search must answer inside Slack's 3 s even when Postgres does not: past its
// deadline it answers an empty list, and the server cancels the query so no connection stays busy.

let tdb: TestDatabase;
let app: Database;
beforeAll(async () => {
  tdb = await createTestDatabase();
  app = createDatabase(tdb.appUrl, { max: 2 });
  await tdb.db.creator.create({
    data: {
      creatorName: "Pia Lock",
      creatorEmail: "pia@creators.test",
      brandName: "Padlock Goods",
      brandNiche: "Home",
      journeyStatus: "LIVE",
      healthScore: "GREEN",
      lastStatusChange: new Date(),
    } as never,
  });
});
afterAll(async () => {
  await app?.db.$disconnect();
  await tdb?.drop();
});

describe("picker search", () => {
  it("answers an empty list when the table is locked past the deadline, then frees its connection", async () => {
    const picker = createPickerService({
      db: app.db,
      pool: app.pool,
      health: createHealthService({ ...app, tz: "UTC" }),
      now: () => new Date(),
      deadlineMs: 300,
    });
    expect((await picker.search("padlock")).map((r) => r.brandName)).toEqual(["Padlock Goods"]);

    const locker = new pg.Client({ connectionString: tdb.url });
    await locker.connect();
    await locker.query("BEGIN; LOCK TABLE studio_crm_creator IN ACCESS EXCLUSIVE MODE");
    try {
      expect(await picker.search("padlock")).toEqual([]);
      // The server cancels the waiting query at the same deadline (statement_timeout), so the
      // connection returns to the pool while the lock is still held.
      for (let i = 0; i < 200 && app.pool.idleCount < app.pool.totalCount; i++) await new Promise((r) => setTimeout(r, 25));
      expect(app.pool.idleCount).toBe(app.pool.totalCount);
    } finally {
      await locker.query("ROLLBACK");
      await locker.end();
    }
    expect((await picker.search("PADLOCK")).map((r) => r.brandName)).toEqual(["Padlock Goods"]);
  });
});
