import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { ensureDatabase, migrate } from "../../src/migrate/migrate-runner.js";
import { auditRoleProblems } from "../../src/audit/app-role.js";
import { APP_ROLE, appDbUrl, dbUrl, dropDatabase, withAdmin } from "../helpers/pg-admin.js";
import { testDbName } from "../helpers/test-db.js";

const dir = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));
const made: string[] = [];
const roles: string[] = [];
afterAll(async () => {
  for (const n of made) await dropDatabase(n);
  // Roles are cluster-wide: drop the ones made here once no database holds grants to them.
  for (const r of roles) await withAdmin((c) => c.query(`DROP ROLE IF EXISTS ${c.escapeIdentifier(r)}`));
});
const fresh = async (tag: string) => {
  const name = testDbName(`${tag}_${Date.now() % 100000}`);
  made.push(name);
  await ensureDatabase(dbUrl(name));
  return name;
};

async function as<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe("migration runner: the app role", () => {
  it("a table a later migration adds is usable by the app role with no grant in its SQL; the audit log stays insert-only", async () => {
    // Someone else's migration, written without knowing about roles.
    const copy = mkdtempSync(path.join(tmpdir(), "wl-mig-role-"));
    cpSync(dir, copy, { recursive: true });
    mkdirSync(path.join(copy, "99991231000000_someone_elses_table"));
    writeFileSync(
      path.join(copy, "99991231000000_someone_elses_table", "migration.sql"),
      `CREATE TABLE "wl_later_thing" ("id" SERIAL PRIMARY KEY, "v" TEXT NOT NULL);`,
    );
    const name = await fresh("later");
    const r = await migrate(dbUrl(name), copy, { appRole: APP_ROLE, createAppRole: true });
    expect(r.appRole).toEqual({ name: APP_ROLE, created: false, granted: true });

    await as(appDbUrl(name), async (c) => {
      await c.query("INSERT INTO wl_later_thing (v) VALUES ('a'), ('b')");
      await c.query("UPDATE wl_later_thing SET v = 'c' WHERE v = 'a'");
      await c.query("DELETE FROM wl_later_thing WHERE v = 'b'");
      expect((await c.query("SELECT v FROM wl_later_thing")).rows).toEqual([{ v: "c" }]);
      await expect(c.query("TRUNCATE wl_later_thing")).rejects.toThrow(/permission denied/);
      expect(await auditRoleProblems(async (sql, params) => (await c.query(sql, params)).rows)).toEqual([]);
    });
  });

  it("re-running grants nothing more: the audit log's limits survive a later run", async () => {
    const name = await fresh("rerun");
    await migrate(dbUrl(name), dir, { appRole: APP_ROLE });
    await migrate(dbUrl(name), dir, { appRole: APP_ROLE });
    const privileges = await as(dbUrl(name), async (c) =>
      (
        await c.query<{ table_name: string; privilege_type: string }>(
          `SELECT table_name, privilege_type FROM information_schema.role_table_grants
          WHERE grantee = $1 AND table_name IN ('studio_crm_auditlog', 'wl_audit_chain_head', 'wl_audit_checkpoint') ORDER BY 1, 2`,
          [APP_ROLE],
        )
      ).rows.map((r) => `${r.table_name}:${r.privilege_type}`),
    );
    expect(privileges).toEqual([
      "studio_crm_auditlog:INSERT",
      "studio_crm_auditlog:SELECT",
      "wl_audit_chain_head:SELECT",
      "wl_audit_checkpoint:INSERT",
      "wl_audit_checkpoint:SELECT",
    ]);
  });

  it("a missing app role is an error unless the run may create it (production never does)", async () => {
    const name = await fresh("norole");
    const role = `wl_test_norole_${process.pid}`;
    await expect(migrate(dbUrl(name), dir, { appRole: role })).rejects.toThrow(/app role "wl_test_norole_\d+" \(the user in DATABASE_URL\) does not exist/);
  });

  it("refuses an app role that could grant itself the owner's rights (CREATEROLE)", async () => {
    const name = await fresh("badrole");
    const role = `wl_test_badrole_${process.pid}`;
    roles.push(role);
    await withAdmin((c) => c.query(`CREATE ROLE ${c.escapeIdentifier(role)} LOGIN CREATEROLE`));
    await expect(migrate(dbUrl(name), dir, { appRole: role })).rejects.toThrow(/could rewrite the audit log: it has CREATEROLE/);
  });

  it("leaves a DATABASE_URL that is the owner itself alone (and says so)", async () => {
    const name = await fresh("same");
    const r = await migrate(dbUrl(name), dir, { appRole: "postgres" });
    expect(r.appRole).toEqual({ name: "postgres", created: false, granted: false });
  });
});
