import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { audited, writeAudit } from "../../src/audit/audit-service.js";
import { verifyAuditChain } from "../../src/audit/audit-chain.js";
import { SYSTEM_ACTOR } from "../../src/identity/actor.js";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const entry = (n: number) => ({
  action: "UPDATE" as const,
  targetModel: "Creator",
  targetId: "00000000-0000-0000-0000-000000000001",
  targetDisplay: `row ${n} “ünïcode” 🚀`,
  changes: { n: { from: n, to: n + 1 }, nested: { b: [1, 2], a: null } },
  notes: n % 2 ? null : "note",
});

async function superuser<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: tdb.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe("tamper-evident audit chain", () => {
  it("race: 24 concurrent writers still form one unbroken chain", async () => {
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        audited(tdb.db, SYSTEM_ACTOR, async () => ({ result: i, audit: [entry(i), entry(i + 100)] }), { maxWaitMs: 60_000 }),
      ),
    );
    // A row written the way the Django app would (plain INSERT, no chain columns) is chained too.
    await superuser((c) =>
      c.query(`INSERT INTO studio_crm_auditlog (id, user_email, action_type, target_model, target_id, target_display, ip_address)
      VALUES (gen_random_uuid(), 'django@studio.test', 'VIEW', 'Creator', gen_random_uuid(), 'from django', '10.1.2.3')`),
    );
    const report = await verifyAuditChain(tdb.db);
    expect(report).toEqual({ rows: 49, ok: true, firstBreak: null });
  });

  it("names the first row whose content was edited behind the triggers' back", async () => {
    await writeAudit(tdb.db, SYSTEM_ACTOR, [entry(1), entry(2), entry(3)]);
    const target = await tdb.db.auditLog.findFirstOrThrow({ where: { targetDisplay: { startsWith: "row 2 " } }, orderBy: { chainSeq: "desc" } });
    // Only a superuser who disables the guard trigger can do this; the chain still tells.
    await superuser(async (c) => {
      await c.query("ALTER TABLE studio_crm_auditlog DISABLE TRIGGER wl_auditlog_no_update_delete");
      await c.query("UPDATE studio_crm_auditlog SET notes = 'nothing to see' WHERE id = $1", [target.id]);
      await c.query("ALTER TABLE studio_crm_auditlog ENABLE TRIGGER wl_auditlog_no_update_delete");
    });
    const report = await verifyAuditChain(tdb.db);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ id: target.id, reason: "hash mismatch" });
  });

  it("detects rows cut from the end of the chain", async () => {
    const t3 = await createTestDatabase();
    try {
      await writeAudit(t3.db, SYSTEM_ACTOR, [entry(1), entry(2), entry(3)]);
      const c = new pg.Client({ connectionString: t3.url });
      await c.connect();
      await c.query("ALTER TABLE studio_crm_auditlog DISABLE TRIGGER wl_auditlog_no_update_delete");
      await c.query("DELETE FROM studio_crm_auditlog WHERE chain_seq = (SELECT max(chain_seq) FROM studio_crm_auditlog)");
      await c.end();
      expect((await verifyAuditChain(t3.db)).firstBreak).toMatchObject({ chainSeq: "3", reason: "tail missing" });
    } finally {
      await t3.drop();
    }
  });

  it("detects a deleted row as a gap", async () => {
    const t2 = await createTestDatabase();
    try {
      await writeAudit(t2.db, SYSTEM_ACTOR, [entry(1), entry(2), entry(3)]);
      const rows = await t2.db.auditLog.findMany({ orderBy: { chainSeq: "asc" } });
      const c = new pg.Client({ connectionString: t2.url });
      await c.connect();
      await c.query("ALTER TABLE studio_crm_auditlog DISABLE TRIGGER wl_auditlog_no_update_delete");
      await c.query("DELETE FROM studio_crm_auditlog WHERE id = $1", [rows[1]!.id]);
      await c.end();
      expect((await verifyAuditChain(t2.db)).firstBreak).toMatchObject({ id: rows[2]!.id, reason: "gap in sequence" });
    } finally {
      await t2.drop();
    }
  });
});
