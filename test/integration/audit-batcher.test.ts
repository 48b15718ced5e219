// The group commit of VIEW and refusal rows (src/audit/audit-batcher.ts) when the network fails
// after Postgres committed a batch: the batch is written again row by row, and each request must
// still be recorded once. The database is real; only the connection to it is cut, by a proxy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { AnswerCutter } from "../helpers/stalling-postgres.js";
import { createPool, type Pool } from "../../src/db.js";
import { createAuditBatcher } from "../../src/audit/audit-batcher.js";
import { verifyAuditChain } from "../../src/audit/audit-chain.js";
import { createLogger } from "../../src/logger.js";
import { SYSTEM_ACTOR } from "../../src/identity/actor.js";

let tdb: TestDatabase;
let proxy: AnswerCutter;
let pool: Pool;
beforeAll(async () => {
  tdb = await createTestDatabase();
  proxy = await new AnswerCutter().start();
  pool = createPool(proxy.url(tdb.name), { max: 2 }, { pipeline: true });
});
afterAll(async () => {
  await pool?.end();
  await proxy?.stop();
  await tdb?.drop();
});

const view = (display: string) => ({
  action: "VIEW" as const,
  targetModel: "Creator",
  targetId: "00000000-0000-0000-0000-000000000001",
  targetDisplay: display,
});

async function rowsShown(displays: string[]): Promise<Record<string, number>> {
  const { rows } = await tdb.pool.query<{ d: string; n: number }>(
    "SELECT target_display AS d, count(*)::int AS n FROM studio_crm_auditlog WHERE target_display = ANY($1) GROUP BY 1",
    [displays],
  );
  return Object.fromEntries(rows.map((r) => [r.d, r.n]));
}

describe("audit group commit", () => {
  it("a batch that committed but whose answer was lost is written again row by row, and records each request once", async () => {
    const batcher = createAuditBatcher({ pool, logger: createLogger({ level: "silent" }), metrics: { auditRows: () => undefined } });
    // The first row goes alone; the two recorded while it is in flight go together, and the
    // connection is cut as Postgres answers that batch.
    proxy.cutAnswerTo("batch-cut-b");
    await Promise.all([
      batcher.record(SYSTEM_ACTOR, view("batch-cut-a")),
      batcher.record(SYSTEM_ACTOR, view("batch-cut-b")),
      batcher.record(SYSTEM_ACTOR, view("batch-cut-c")),
    ]);
    expect(await rowsShown(["batch-cut-a", "batch-cut-b", "batch-cut-c"])).toEqual({ "batch-cut-a": 1, "batch-cut-b": 1, "batch-cut-c": 1 });
    expect(await verifyAuditChain(tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("a lone row that committed but whose answer was lost is written again: its request is recorded once, not failed", async () => {
    const batcher = createAuditBatcher({ pool, logger: createLogger({ level: "silent" }), metrics: { auditRows: () => undefined } });
    proxy.cutAnswerTo("lone-cut");
    await batcher.record(SYSTEM_ACTOR, view("lone-cut"));
    expect(await rowsShown(["lone-cut"])).toEqual({ "lone-cut": 1 });
    expect(await verifyAuditChain(tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("a batch that failed before committing (one bad row) stores every other row once", async () => {
    const batcher = createAuditBatcher({ pool, logger: createLogger({ level: "silent" }), metrics: { auditRows: () => undefined } });
    const results = await Promise.allSettled([
      batcher.record(SYSTEM_ACTOR, view("bad-row-a")),
      batcher.record(SYSTEM_ACTOR, view("bad-row-b")),
      batcher.record(SYSTEM_ACTOR, { ...view("bad-row-x"), targetId: "not-a-uuid" }),
      batcher.record(SYSTEM_ACTOR, view("bad-row-c")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(await rowsShown(["bad-row-a", "bad-row-b", "bad-row-c", "bad-row-x"])).toEqual({ "bad-row-a": 1, "bad-row-b": 1, "bad-row-c": 1 });
  });
});
