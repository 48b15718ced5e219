// Prisma sends the hot raw statements registered with preparedStatement() as named prepared
// statements (parsed and planned once per connection); everything else stays unnamed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { createDatabase, preparedStatement, type Database } from "../../src/db.js";
import { audited } from "../../src/audit/audit-service.js";
import { verifyAuditChain } from "../../src/audit/audit-chain.js";
import { SYSTEM_ACTOR } from "../../src/identity/actor.js";

let tdb: TestDatabase;
let one: Database; // one connection, so the session that ran the change is the one asked
beforeAll(async () => {
  tdb = await createTestDatabase();
  one = createDatabase(tdb.url, { max: 1 });
});
afterAll(async () => {
  await one?.db.$disconnect();
  await tdb?.drop();
});

const prepared = async () => (await one.pool.query<{ name: string }>("SELECT name FROM pg_prepared_statements ORDER BY name")).rows.map((r) => r.name);

describe("prepared raw statements under Prisma", () => {
  it("an audited() change's audit INSERT is prepared on its connection once, and reused", async () => {
    const change = (n: number) =>
      audited(one.db, SYSTEM_ACTOR, async (tx) => {
        await tx.$executeRaw`SELECT 1`;
        return { result: n, audit: { action: "VIEW", targetModel: "Creator", targetId: "00000000-0000-0000-0000-000000000001", targetDisplay: `row ${n}` } };
      });
    expect(await change(1)).toBe(1);
    expect(await prepared()).toEqual(["wl_audit_insert"]);
    await change(2);
    await change(3);
    expect(await prepared()).toEqual(["wl_audit_insert"]); // Prisma's own query stays unnamed
    expect(await verifyAuditChain(one.db)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("a name is one text and a text one name", () => {
    const sql = "SELECT 'prepared-statement-test' AS x";
    expect(preparedStatement("wl_test_once", sql)).toBe(sql);
    expect(preparedStatement("wl_test_once", sql)).toBe(sql); // the same pair again is fine
    expect(() => preparedStatement("wl_test_other", sql)).toThrow(/one name, one text/);
    expect(() => preparedStatement("wl_test_once", `${sql} -- changed`)).toThrow(/one name, one text/);
  });
});
