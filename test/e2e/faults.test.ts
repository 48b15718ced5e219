import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { withAdmin } from "../helpers/pg-admin.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff" });
});
afterAll(async () => {
  await withAdmin((c) => c.query(`ALTER DATABASE "${h.tdb.name}" ALLOW_CONNECTIONS true`)).catch(() => undefined);
  await h?.close();
});

const health = async () => (await fetch(`${h.baseUrl}/healthz`)).status;

describe("database faults", () => {
  it("a connection killed mid-transaction leaves no half-applied change and no orphan audit row; the user is told; the app recovers", async () => {
    const c = new pg.Client({ connectionString: h.tdb.url });
    await c.connect();
    // Holds the role change inside its transaction, after the role row and before commit.
    await c.query(`CREATE FUNCTION test_slow_audit() RETURNS trigger AS $$
      BEGIN IF NEW.target_display LIKE '%sky@studio.test%' THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await c.query(`CREATE TRIGGER test_slow_audit BEFORE INSERT ON studio_crm_auditlog FOR EACH ROW EXECUTE FUNCTION test_slow_audit()`);
    const auditBefore = await h.tdb.db.auditLog.count();

    const { responseUrl } = await h.command("UADMIN", "role <@USTAFF2> manager");
    // Wait until the backend is inside pg_sleep, then kill it.
    let killed = 0;
    for (let i = 0; i < 100 && !killed; i++) {
      const r = await c.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event = 'PgSleep'`);
      killed = r.rowCount ?? 0;
      if (!killed) await new Promise((res) => setTimeout(res, 30));
    }
    expect(killed).toBe(1);
    const answer = String((await answerTo(h, responseUrl)).text);
    expect(answer).toMatch(/went wrong.*Nothing was saved/);

    await c.query("DROP TRIGGER test_slow_audit ON studio_crm_auditlog");
    await c.end();
    const sky = await h.tdb.db.authUser.findFirst({ where: { email: "sky@studio.test" }, include: { role: true } });
    expect(sky?.role ?? null).toBeNull();
    expect(await h.tdb.db.auditLog.count()).toBe(auditBefore);

    expect(await health()).toBe(200);
    const retry = await h.command("UADMIN", "role <@USTAFF2> manager");
    expect(String((await answerTo(h, retry.responseUrl)).text)).toMatch(/now has the role \*manager\*/);
  });

  it("/healthz goes 503 while the database refuses connections and back to 200 after", async () => {
    expect(await health()).toBe(200);
    await withAdmin(async (a) => {
      await a.query(`ALTER DATABASE "${h.tdb.name}" ALLOW_CONNECTIONS false`);
      await a.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [h.tdb.name]);
    });
    expect(await health()).toBe(503);
    // A command while the database is down gets an answer, not a hang or a 5xx.
    const { status, responseUrl } = await h.command("USTAFF", "help");
    expect(status).toBe(200);
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/can't reach its database/);
    await withAdmin((a) => a.query(`ALTER DATABASE "${h.tdb.name}" ALLOW_CONNECTIONS true`));
    let code = 0;
    for (let i = 0; i < 50 && code !== 200; i++) {
      code = await health();
      if (code !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(code).toBe(200);
  });
});
