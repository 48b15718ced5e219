import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { audited } from "../../src/audit/audit-service.js";
import { SYSTEM_ACTOR } from "../../src/identity/actor.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const entry = { action: "UPDATE" as const, targetModel: "Test", targetId: "00000000-0000-0000-0000-000000000001", targetDisplay: "t" };

describe("audit trail", () => {
  it("commits a change and its audit row together", async () => {
    await audited(tdb.db, SYSTEM_ACTOR, async (tx) => {
      await tx.slackEvent.create({ data: { eventId: "ev-commit" } });
      return { result: null, audit: { ...entry, changes: { a: { from: 1, to: 2 } } } };
    });
    expect(await tdb.db.slackEvent.count({ where: { eventId: "ev-commit" } })).toBe(1);
    expect(await tdb.db.auditLog.count({ where: { targetModel: "Test" } })).toBe(1);
  });

  it("writes neither when the audit row cannot be written", async () => {
    await expect(
      audited(tdb.db, SYSTEM_ACTOR, async (tx) => {
        await tx.slackEvent.create({ data: { eventId: "ev-rollback" } });
        // target_id must be a UUID: the audit insert fails, so the change must not survive.
        return { result: null, audit: { ...entry, targetId: "not-a-uuid" } };
      }),
    ).rejects.toThrow();
    expect(await tdb.db.slackEvent.count({ where: { eventId: "ev-rollback" } })).toBe(0);
  });

  it("the database refuses UPDATE, DELETE and TRUNCATE of audit rows, from anyone", async () => {
    await expect(tdb.db.$executeRawUnsafe(`UPDATE studio_crm_auditlog SET notes = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(tdb.db.$executeRawUnsafe(`DELETE FROM studio_crm_auditlog`)).rejects.toThrow(/append-only/);
    await expect(tdb.db.$executeRawUnsafe(`TRUNCATE studio_crm_auditlog`)).rejects.toThrow(/append-only/);
    expect(await tdb.db.auditLog.count()).toBeGreaterThan(0);
  });
});

describe("audit rows survive what users type", () => {
  it("stores NUL and lone surrogates (which jsonb refuses) without failing the change", async () => {
    await audited(tdb.db, SYSTEM_ACTOR, async () => ({
      result: null,
      audit: { ...entry, targetDisplay: "bad\u0000name \ud800 end", changes: { note: { from: "x\u0000", to: "\udc00y" } } },
    }));
    const row = await tdb.db.auditLog.findFirstOrThrow({ where: { targetDisplay: { startsWith: "badname" } } });
    expect(row.targetDisplay).toBe("badname \ufffd end");
    expect(row.changes).toEqual({ note: { from: "x", to: "\ufffdy" } });
  });
});
