import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { ensureDatabase, migrate } from "../../src/migrate/migrate-runner.js";
import { dbUrl, dropDatabase, withAdmin } from "./pg-admin.js";

// One migrated template per run; each test file clones it (CREATE DATABASE … TEMPLATE),
// which takes milliseconds instead of re-running every migration.
export default async function setup(project: TestProject) {
  const template = `wl_test_tpl_${process.pid}`;
  await withAdmin(async (c) => {
    // Leftovers of an earlier run that was killed.
    const { rows } = await c.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'wl_test_%'",
    );
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  });
  await ensureDatabase(dbUrl(template));
  await migrate(dbUrl(template), fileURLToPath(new URL("../../prisma/migrations/", import.meta.url)));
  project.provide("templateDb", template);
  return async () => {
    await dropDatabase(template);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
  }
}
