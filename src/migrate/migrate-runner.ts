import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { auditRoleProblems, ensureAppRole, grantAppRole } from "../audit/app-role.js";

// Applies prisma/migrations/<name>/migration.sql in order and records each in
// `_prisma_migrations` exactly as Prisma does (sha256 checksum, finished_at, steps), so
// `prisma migrate deploy` still works wherever the schema engine can run.

// Prisma's own advisory lock key: our runner and `prisma migrate deploy` exclude each other,
// and two replicas starting at once apply each migration once.
const PRISMA_MIGRATE_LOCK = 72707369;

export type MigrationResult = {
  applied: string[];
  alreadyApplied: string[];
  /** What happened to the app role (absent when none was asked for). */
  appRole?: { name: string; created: boolean; granted: boolean };
};

export type MigrateOptions = {
  /** The role the bot serves requests as (DATABASE_URL's user): granted its privileges after migrating. */
  appRole?: string;
  /** Create the app role when it is missing (local development); otherwise a missing role is an error. */
  createAppRole?: boolean;
};

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new MigrationError(`unsupported database name "${name}"`);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
      return true;
    } catch (e) {
      // Another replica created it between our check and our CREATE.
      if ((e as { code?: string }).code === "42P04" || (e as { code?: string }).code === "23505") return false;
      throw e;
    }
  } finally {
    await client.end();
  }
}

export async function listMigrations(dir: string): Promise<{ name: string; sql: string; checksum: string }[]> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    entries.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

export async function migrate(databaseUrl: string, dir: string, opts: MigrateOptions = {}): Promise<MigrationResult> {
  const migrations = await listMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const done = new Map(rows.map((r) => [r.migration_name, r]));
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const prior = done.get(m.name);
      if (prior?.finished_at) {
        // An edited, already-applied migration means environments have diverged: stop loudly.
        if (prior.checksum !== m.checksum) {
          throw new MigrationError(`migration ${m.name} was modified after it was applied`);
        }
        result.alreadyApplied.push(m.name);
        continue;
      }
      if (prior) throw new MigrationError(`migration ${m.name} failed earlier; resolve it before deploying`);
      const id = randomUUID();
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [id, m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new MigrationError(`migration ${m.name} failed: ${(e as Error).message}`);
      }
      result.applied.push(m.name);
    }
    if (opts.appRole) result.appRole = await prepareAppRole(client, opts.appRole, opts.createAppRole ?? false);
    return result;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/**
 * After the migrations, still under the lock: the app role gets its grants (new tables included)
 * and is checked for anything that would let it rewrite the audit log. The same user as the
 * owner (DATABASE_URL without a separate MIGRATION_DATABASE_URL) is left alone: nothing to grant.
 */
async function prepareAppRole(client: pg.Client, role: string, create: boolean): Promise<NonNullable<MigrationResult["appRole"]>> {
  const { rows } = await client.query<{ me: string }>("SELECT current_user AS me");
  if (rows[0]!.me === role) return { name: role, created: false, granted: false };
  const exists = (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount;
  if (!exists && !create) {
    throw new MigrationError(`the app role "${role}" (the user in DATABASE_URL) does not exist: create it first (README, "Database roles")`);
  }
  const created = exists ? false : await ensureAppRole(client, role);
  await grantAppRole(client, role);
  const problems = await auditRoleProblems(async (sql, params) => (await client.query(sql, params)).rows, role);
  if (problems.length > 0) {
    throw new MigrationError(`the app role "${role}" could rewrite the audit log: it ${problems.join("; it ")}. Fix the role (README, "Database roles").`);
  }
  return { name: role, created, granted: true };
}
