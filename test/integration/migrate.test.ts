import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { ensureDatabase, migrate } from "../../src/migrate/migrate-runner.js";
import { dbUrl, dropDatabase } from "../helpers/pg-admin.js";
import { testDbName } from "../helpers/test-db.js";

const dir = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));
const made: string[] = [];
afterAll(async () => {
  for (const n of made) await dropDatabase(n);
});
const fresh = (tag: string) => {
  const name = testDbName(`mig_${tag}_${Date.now() % 100000}`);
  made.push(name);
  return dbUrl(name);
};

describe("migration runner", () => {
  it("race: two replicas starting at once create the database and apply each migration once", async () => {
    const url = fresh("race");
    const results = await Promise.all(
      [0, 1, 2].map(async () => {
        await ensureDatabase(url);
        return migrate(url, dir);
      }),
    );
    expect(results.reduce((n, r) => n + r.applied.length, 0)).toBe(results[0]!.applied.length + results[0]!.alreadyApplied.length);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT * FROM _prisma_migrations`,
    );
    await c.end();
    const first = rows[0]!;
    const sql = readFileSync(path.join(dir, first.migration_name, "migration.sql"));
    // Recorded as Prisma records it, so `prisma migrate deploy` sees these as applied.
    expect(first.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(first.finished_at).not.toBeNull();
    expect(first.applied_steps_count).toBe(1);
    expect(new Set(rows.map((r) => r.migration_name)).size).toBe(rows.length);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    const url = fresh("edit");
    const copy = mkdtempSync(path.join(tmpdir(), "wl-mig-"));
    cpSync(dir, copy, { recursive: true });
    await ensureDatabase(url);
    await migrate(url, copy);
    const name = (await import("node:fs")).readdirSync(copy).filter((n) => /^\d/.test(n))[0]!;
    writeFileSync(path.join(copy, name, "migration.sql"), `${readFileSync(path.join(copy, name, "migration.sql"), "utf8")}\n-- edited\n`);
    await expect(migrate(url, copy)).rejects.toThrow(/modified after it was applied/);
  });

  it("applies cleanly on a database where the Django app already created the seed's tables", async () => {
    const url = fresh("django");
    await ensureDatabase(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    // Django's own auth_user and a creator table, as its 0001_initial would leave them.
    await c.query(`CREATE TABLE auth_user (id serial PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz, is_superuser boolean NOT NULL,
      username varchar(150) NOT NULL UNIQUE, first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL, email varchar(254) NOT NULL,
      is_staff boolean NOT NULL, is_active boolean NOT NULL, date_joined timestamptz NOT NULL)`);
    await c.query(`INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
      VALUES ('pbkdf2_sha256$x', true, 'owner', 'O', 'W', 'owner@studio.test', true, true, now())`);
    await c.end();
    const r = await migrate(url, dir);
    expect(r.applied.length).toBeGreaterThan(0);
    const c2 = new pg.Client({ connectionString: url });
    await c2.connect();
    const { rows } = await c2.query("SELECT username FROM auth_user");
    await c2.end();
    expect(rows).toEqual([{ username: "owner" }]);
  });
});
