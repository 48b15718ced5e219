// Prisma's transactions on a pipelined pool (src/db-pipeline.ts): BEGIN travels with the first
// statement and the audit INSERT with COMMIT, and a deferred answer that is an error still fails
// the transaction. Round trips are counted by a proxy that holds Postgres's answers back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { RoundTripCounter } from "../helpers/round-trip-counter.js";
import { createDatabase, type Database } from "../../src/db.js";
import { audited } from "../../src/audit/audit-service.js";
import { verifyAuditChain } from "../../src/audit/audit-chain.js";
import { SYSTEM_ACTOR } from "../../src/identity/actor.js";

let tdb: TestDatabase;
let proxy: RoundTripCounter;
let one: Database; // one connection through the proxy, opened before anything is counted
beforeAll(async () => {
  tdb = await createTestDatabase();
  proxy = await new RoundTripCounter().start();
  one = createDatabase(proxy.url(tdb.name), { max: 1 });
  await one.db.$queryRaw`SELECT 1`;
});
afterAll(async () => {
  await one?.db.$disconnect();
  await proxy?.stop();
  await tdb?.drop();
});

const row = (n: number) => ({ action: "VIEW" as const, targetModel: "Creator", targetId: "00000000-0000-0000-0000-000000000001", targetDisplay: `row ${n}` });

describe("transactions on the pipelined pool", () => {
  it("an audited() change is one round trip plus one per statement of its own (was three plus one)", async () => {
    await audited(one.db, SYSTEM_ACTOR, async () => ({ result: null, audit: row(0) })); // prepares the INSERT
    expect(await proxy.count(() => audited(one.db, SYSTEM_ACTOR, async () => ({ result: null, audit: row(1) })))).toBe(1);
    const withOne = () =>
      audited(one.db, SYSTEM_ACTOR, async (tx) => {
        await tx.slackEvent.create({ data: { eventId: "pipe-one" } });
        return { result: null, audit: row(2) };
      });
    expect(await proxy.count(withOne)).toBe(2);
    expect(await one.db.slackEvent.count({ where: { eventId: "pipe-one" } })).toBe(1);
    expect(await verifyAuditChain(tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("a statement outside a transaction is its own round trip, answered before it returns", async () => {
    expect(await proxy.count(() => one.db.slackEvent.create({ data: { eventId: "pipe-alone" } }))).toBe(1);
    expect(await tdb.db.slackEvent.count({ where: { eventId: "pipe-alone" } })).toBe(1);
  });

  it("an audit INSERT that fails after the change fails the COMMIT it travelled with: neither is kept", async () => {
    const rowsBefore = await tdb.db.auditLog.count();
    await expect(
      audited(one.db, SYSTEM_ACTOR, async (tx) => {
        await tx.slackEvent.create({ data: { eventId: "pipe-rollback" } });
        return { result: null, audit: { ...row(3), targetId: "not-a-uuid" } };
      }),
    ).rejects.toThrow(/uuid/);
    expect(await tdb.db.slackEvent.count({ where: { eventId: "pipe-rollback" } })).toBe(0);
    expect(await tdb.db.auditLog.count()).toBe(rowsBefore);
    // The connection is clean for the next caller.
    await audited(one.db, SYSTEM_ACTOR, async () => ({ result: null, audit: row(4) }));
    expect(await tdb.db.auditLog.count()).toBe(rowsBefore + 1);
  });

  it("a failed audit INSERT followed by more work fails that work's statement", async () => {
    await expect(
      one.db.$transaction(async (tx) => {
        await tx.slackEvent.create({ data: { eventId: "pipe-mid" } });
        const { writeAudit } = await import("../../src/audit/audit-service.js");
        await writeAudit(tx, SYSTEM_ACTOR, { ...row(5), targetId: "not-a-uuid" });
        await tx.slackEvent.create({ data: { eventId: "pipe-after" } });
      }),
    ).rejects.toThrow(/uuid/);
    expect(await tdb.db.slackEvent.count({ where: { eventId: { in: ["pipe-mid", "pipe-after"] } } })).toBe(0);
  });

  it("a transaction rolled back by its own code drops the audit row it had sent", async () => {
    const rowsBefore = await tdb.db.auditLog.count();
    await expect(
      audited(one.db, SYSTEM_ACTOR, async (tx) => {
        await tx.slackEvent.create({ data: { eventId: "pipe-thrown" } });
        const { writeAudit } = await import("../../src/audit/audit-service.js");
        await writeAudit(tx, SYSTEM_ACTOR, row(6));
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await tdb.db.slackEvent.count({ where: { eventId: "pipe-thrown" } })).toBe(0);
    expect(await tdb.db.auditLog.count()).toBe(rowsBefore);
  });
});
