import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, grantRoles, TEST_KEY, TEST_SIGNING_SECRET, type Harness } from "../helpers/bot-harness.js";
import { captureLogger } from "../helpers/logs.js";
import { loadConfig } from "../../src/config.js";
import { startBot, StartupError } from "../../src/bot.js";
import { writeAudit } from "../../src/audit/audit-service.js";
import { verifyAuditChain } from "../../src/audit/audit-chain.js";
import { SYSTEM_ACTOR } from "../../src/identity/actor.js";

// Someone who steals the bot's DATABASE_URL holds exactly what the bot holds. These run on the
// running bot's own pool (the connection it serves requests with), never on a test-only one.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff" }); // some history to protect
});
afterAll(async () => {
  await h?.close();
});

/** One statement on the bot's own connection, in a transaction that is always rolled back. */
async function asBot(sql: string): Promise<Error | null> {
  const c = await h.bot.deps.pool.connect();
  try {
    await c.query("BEGIN");
    try {
      await c.query(sql);
      return null;
    } catch (e) {
      return e as Error;
    }
  } finally {
    await c.query("ROLLBACK");
    c.release();
  }
}

describe("the bot's database role cannot rewrite history", () => {
  it("serves requests as a role that is neither a superuser nor the audit log's owner", async () => {
    const { rows } = await h.bot.deps.pool.query<{ me: string; superuser: boolean; owner: string }>(
      `SELECT current_user AS me, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
              pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = 'studio_crm_auditlog'::regclass`,
    );
    expect(rows[0]!.superuser).toBe(false);
    expect(rows[0]!.owner).not.toBe(rows[0]!.me);
  });

  // Refused by privileges, not only by the append-only triggers (which their owner can switch off).
  it.each([
    ["UPDATE an audit row", "UPDATE studio_crm_auditlog SET notes = 'rewritten'", /permission denied for table studio_crm_auditlog/],
    ["DELETE audit rows", "DELETE FROM studio_crm_auditlog", /permission denied for table studio_crm_auditlog/],
    ["TRUNCATE the audit log", "TRUNCATE studio_crm_auditlog", /permission denied for table studio_crm_auditlog/],
    [
      "disable the append-only trigger",
      "ALTER TABLE studio_crm_auditlog DISABLE TRIGGER wl_auditlog_no_update_delete",
      /must be owner of table studio_crm_auditlog/,
    ],
    ["disable the chain trigger", "ALTER TABLE studio_crm_auditlog DISABLE TRIGGER wl_auditlog_chain", /must be owner of table studio_crm_auditlog/],
    ["move the chain head", "UPDATE wl_audit_chain_head SET chain_seq = 0, row_hash = repeat('0', 64)", /permission denied for table wl_audit_chain_head/],
    ["drop the audit log", "DROP TABLE studio_crm_auditlog", /must be owner of table studio_crm_auditlog/],
    ["drop the chain trigger", "DROP TRIGGER wl_auditlog_chain ON studio_crm_auditlog", /must be owner of (table|relation) studio_crm_auditlog/],
    [
      "replace the chain function",
      "CREATE OR REPLACE FUNCTION wl_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
      /permission denied for schema public|must be owner of function wl_audit_chain/,
    ],
    [
      "add a trigger of its own",
      "CREATE TRIGGER wl_x BEFORE INSERT ON studio_crm_auditlog FOR EACH ROW EXECUTE FUNCTION wl_audit_chain()",
      /permission denied for table studio_crm_auditlog/,
    ],
    ["skip every trigger for its session", "SET session_replication_role = replica", /permission denied to set parameter "session_replication_role"/],
    ["become the superuser", "SET ROLE postgres", /permission denied to set role "postgres"/],
    ["delete a signed checkpoint", "DELETE FROM wl_audit_checkpoint", /permission denied for table wl_audit_checkpoint/],
    ["rewrite a signed checkpoint", "UPDATE wl_audit_checkpoint SET hmac = repeat('0', 64)", /permission denied for table wl_audit_checkpoint/],
  ])("refuses to %s", async (_what, sql, refusal) => {
    const err = await asBot(sql);
    expect(err?.message).toMatch(refusal);
  });

  it("a temporary table of the caller's cannot stand in for the chain head (the trigger's search_path is fixed)", async () => {
    const c = await h.bot.deps.pool.connect();
    try {
      await c.query("BEGIN");
      await c.query("CREATE TEMP TABLE wl_audit_chain_head (id smallint, chain_seq bigint, row_hash char(64)) ON COMMIT DROP");
      await c.query("INSERT INTO pg_temp.wl_audit_chain_head VALUES (1, 1000000, repeat('f', 64))");
      const { rows } = await c.query<{ chain_seq: string; prev_hash: string }>(
        `INSERT INTO studio_crm_auditlog (id, "timestamp", user_email, action_type, target_model, target_id, target_display, changes)
         VALUES (gen_random_uuid(), now(), 'x@studio.test', 'VIEW', 'Creator', gen_random_uuid(), 'shadow', '{}') RETURNING chain_seq::text, prev_hash`,
      );
      expect(rows[0]!.chain_seq).not.toBe("1000001");
      expect(rows[0]!.prev_hash).not.toBe("f".repeat(64));
    } finally {
      await c.query("ROLLBACK");
      c.release();
    }
  });

  it("still appends: INSERT works through the bot's connection and the row is chained", async () => {
    const before = await h.tdb.db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    await writeAudit(h.bot.db, SYSTEM_ACTOR, {
      action: "VIEW",
      targetModel: "Creator",
      targetId: "00000000-0000-0000-0000-0000000000aa",
      targetDisplay: "appended as the app role",
    });
    const row = await h.tdb.db.auditLog.findFirstOrThrow({ where: { targetDisplay: "appended as the app role" } });
    expect(row.chainSeq).toBe(before.chainSeq + 1n);
    expect(row.prevHash).toBe(before.rowHash);
    const after = await h.tdb.db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(after).toMatchObject({ chainSeq: row.chainSeq, rowHash: row.rowHash });
    expect(await verifyAuditChain(h.tdb.db)).toMatchObject({ ok: true, firstBreak: null });
  });

  it("NODE_ENV=production refuses to start on a connection that could rewrite the audit log, and starts on the app role", async () => {
    const env = {
      NODE_ENV: "production",
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: h.slack.apiUrl,
      FIELD_ENCRYPTION_KEY: TEST_KEY,
      AUDIT_ANCHOR_KEY: "pQ3k0v7mX2r9sT4wY6zA1bC8dE5fG0hJ2kL4mN6pR8s",
      PORT: "0",
      LOG_LEVEL: "silent",
    };
    const attempt = (url: string) =>
      startBot(loadConfig({ ...env, DATABASE_URL: url }), captureLogger("silent").logger, { host: "127.0.0.1", schedules: false }).then(
        async (bot) => {
          await bot.stop();
          return null;
        },
        (e: unknown) => e,
      );
    const refused = await attempt(h.tdb.url);
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as Error).message).toMatch(/could rewrite the audit log: it is a superuser/);
    expect(await attempt(h.tdb.appUrl)).toBeNull();
  });
});
