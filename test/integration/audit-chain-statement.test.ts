// The chain trigger writes the head once per statement (migration 20261207100000) and hands the
// tail from row to row through a transaction-local setting that any session can also set. The
// statement's rows are checked against the head once, after the statement (20261210100000).
// These tests pin what must not change (the chain and its head) and that a forged setting can
// only make its own statement fail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { AUDIT_INSERT_SQL, auditRowsJson, writeAudit } from "../../src/audit/audit-service.js";
import { verifyAuditChain } from "../../src/audit/audit-chain.js";
import { SYSTEM_ACTOR } from "../../src/identity/actor.js";

let tdb: TestDatabase;
let app: pg.Client;
beforeAll(async () => {
  tdb = await createTestDatabase();
  // The bot's limited role: what a stolen app credential can do.
  app = new pg.Client({ connectionString: tdb.appUrl });
  await app.connect();
});
afterAll(async () => {
  await app?.end();
  await tdb?.drop();
});

const entry = (n: number) => ({ action: "VIEW" as const, targetModel: "Creator", targetId: "00000000-0000-0000-0000-000000000001", targetDisplay: `row ${n}` });

const INSERT_ONE = `INSERT INTO studio_crm_auditlog (id, "timestamp", user_email, action_type, target_model, target_id, target_display, changes)
  VALUES (gen_random_uuid(), now(), 'x@studio.test', 'VIEW', 'Creator', gen_random_uuid(), 'by hand', '{}')`;

async function head(): Promise<{ seq: string; hash: string }> {
  const { rows } = await tdb.pool.query<{ seq: string; hash: string }>("SELECT chain_seq::text AS seq, row_hash AS hash FROM wl_audit_chain_head WHERE id = 1");
  return rows[0]!;
}

async function tail(): Promise<{ seq: string; hash: string }> {
  const { rows } = await tdb.pool.query<{ seq: string; hash: string }>(
    "SELECT chain_seq::text AS seq, row_hash AS hash FROM studio_crm_auditlog ORDER BY chain_seq DESC LIMIT 1",
  );
  return rows[0]!;
}

describe("the audit chain, one head write per statement", () => {
  it("a statement of 500 rows chains them in order and leaves the head at its last row", async () => {
    const before = await head();
    await writeAudit(
      tdb.db,
      SYSTEM_ACTOR,
      Array.from({ length: 500 }, (_, i) => entry(i)),
    );
    const after = await head();
    expect(BigInt(after.seq) - BigInt(before.seq)).toBe(500n);
    expect(after).toEqual(await tail());
    expect(await verifyAuditChain(tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("several statements in one transaction continue one another", async () => {
    await tdb.db.$transaction(async (tx) => {
      await writeAudit(tx, SYSTEM_ACTOR, [entry(1), entry(2), entry(3)]);
      await writeAudit(tx, SYSTEM_ACTOR, [entry(4)]);
      await writeAudit(tx, SYSTEM_ACTOR, [entry(5), entry(6)]);
    });
    expect(await head()).toEqual(await tail());
    expect(await verifyAuditChain(tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  });

  /** Inserts rows whose display is `display` (n is the row's number) as the app role: refused, nothing kept. */
  async function expectForgedStatementRefused(display: string, rows = 1): Promise<void> {
    const before = await head();
    await expect(
      app.query(
        `INSERT INTO studio_crm_auditlog (id, "timestamp", user_email, action_type, target_model, target_id, target_display, changes)
         SELECT gen_random_uuid(), now(), 'x@studio.test', 'VIEW', 'Creator', gen_random_uuid(), ${display}, '{}'
           FROM generate_series(1, ${rows}) AS n`,
      ),
    ).rejects.toThrow(/do not continue the audit chain/);
    expect(await head()).toEqual(before);
    expect(await tail()).toEqual(before);
    expect(await verifyAuditChain(tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  }

  const FORGE = "set_config('wl.audit_chain_tail', '999999:' || repeat('f', 64), true)";

  it("attack: a tail hint the app role forges in the same statement fails that statement, and nothing of it is kept", async () => {
    await expectForgedStatementRefused(`'forged ' || ${FORGE}`);
  });

  it("attack: a hint forged between two rows of one statement fails the whole statement", async () => {
    // The second row's select sets the hint after the first row's trigger left the true tail.
    await expectForgedStatementRefused(`CASE WHEN n = 2 THEN 'forged ' || ${FORGE} ELSE 'row ' || n END`, 3);
  });

  it("attack: a hint set by an earlier statement of the transaction fails the insert after it", async () => {
    const before = await head();
    await app.query("BEGIN");
    await app.query("SELECT set_config('wl.audit_chain_tail', '999999:' || repeat('0', 64), true)");
    await expect(app.query(INSERT_ONE)).rejects.toThrow(/do not continue the audit chain/);
    await app.query("ROLLBACK");
    expect(await head()).toEqual(before);
    await app.query(INSERT_ONE);
    expect(await head()).toEqual(await tail());
    expect(await verifyAuditChain(tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("attack: a hint naming a real older row makes only that insert fail", async () => {
    const { rows: old } = await tdb.pool.query<{ seq: string; hash: string }>(
      "SELECT chain_seq::text AS seq, row_hash AS hash FROM studio_crm_auditlog ORDER BY chain_seq LIMIT 1 OFFSET 3",
    );
    const before = await head();
    await app.query("BEGIN");
    await app.query("SELECT set_config('wl.audit_chain_tail', $1, true)", [`${old[0]!.seq}:${old[0]!.hash}`]);
    await expect(app.query(INSERT_ONE)).rejects.toThrow(/studio_crm_auditlog_chain_seq_key|duplicate key/);
    await app.query("ROLLBACK");
    expect(await head()).toEqual(before);
    await app.query(INSERT_ONE);
    expect(await verifyAuditChain(tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("attack: an insert of no rows with a forged hint leaves the head where it was", async () => {
    const before = await head();
    await app.query("BEGIN");
    await app.query("SELECT set_config('wl.audit_chain_tail', '999999:' || repeat('f', 64), true)");
    await app.query(`INSERT INTO studio_crm_auditlog (id, "timestamp", user_email, action_type, target_model, target_id, target_display, changes)
      SELECT gen_random_uuid(), now(), 'x@studio.test', 'VIEW', 'Creator', gen_random_uuid(), 'none', '{}' WHERE false`);
    await app.query("COMMIT");
    expect(await head()).toEqual(before);
  });

  // Before 20261210100000 every row after a statement's first looked up the row its hint named
  // in the log, with a plan PL/pgSQL caches per session. After an ANALYZE of a (nearly) empty log,
  // as on a fresh install, that plan is a sequential scan, and stays one: each row then read the
  // whole log (a nightly of 100,000 creators ran 166 s instead of 7). Counted, not timed: the
  // sequential scans of the log this transaction made.
  it("a multi-row insert after an ANALYZE of a nearly empty log never scans the log", async () => {
    const fresh = await createTestDatabase();
    try {
      await fresh.pool.query("ANALYZE studio_crm_auditlog");
      const c = new pg.Client({ connectionString: fresh.appUrl });
      await c.connect();
      try {
        await c.query("BEGIN");
        for (let i = 0; i < 8; i++)
          await c.query(AUDIT_INSERT_SQL, [auditRowsJson(Array.from({ length: 100 }, (_, n) => ({ actor: SYSTEM_ACTOR, entry: entry(n) })))]);
        const { rows } = await c.query<{ seq_scan: string }>("SELECT seq_scan::text FROM pg_stat_xact_user_tables WHERE relname = 'studio_crm_auditlog'");
        await c.query("COMMIT");
        expect(rows[0]?.seq_scan).toBe("0");
      } finally {
        await c.end();
      }
      expect(await verifyAuditChain(fresh.db)).toMatchObject({ ok: true, firstBreak: null });
    } finally {
      await fresh.drop();
    }
  });

  // Declared IMMUTABLE over a STABLE body (to_char), the canonical text was a SQL function call
  // on every audit row, which Postgres does not inline; STABLE, it is part of the trigger's
  // expression. Counted, not timed: the calls Postgres tracks for the function.
  it("the canonical text is inlined into the chain trigger, not called once per row", async () => {
    const c = new pg.Client({ connectionString: tdb.url });
    await c.connect();
    try {
      await c.query("SET track_functions = 'all'");
      await c.query("BEGIN");
      await c.query(AUDIT_INSERT_SQL, [auditRowsJson(Array.from({ length: 50 }, (_, n) => ({ actor: SYSTEM_ACTOR, entry: entry(n) })))]);
      const { rows } = await c.query<{ calls: string }>(
        "SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_xact_user_functions WHERE funcname = 'wl_audit_canonical'",
      );
      await c.query("COMMIT");
      expect(rows[0]?.calls).toBe("0");
    } finally {
      await c.end();
    }
    expect(await verifyAuditChain(tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  });
});
