import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { ensureDatabase, migrate } from "../../src/migrate/migrate-runner.js";
import { APP_ROLE, dbUrl, dropDatabase, withAdmin } from "./pg-admin.js";

// One migrated template per run; each test file clones it (CREATE DATABASE … TEMPLATE),
// which takes milliseconds instead of re-running every migration. The runner grants the app
// role (cluster-wide, created if missing) in the template, so every clone carries the grants
// and the bot under test serves requests with exactly production's privileges.
export default async function setup(project: TestProject) {
  const template = `wl_test_${process.pid}_tpl`;
  await withAdmin(async (c) => {
    // Leftovers of earlier runs that were killed; a run still alive (another terminal) keeps its own.
    const { rows } = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'wl\\_test\\_%'");
    for (const r of rows) {
      const pid = Number(/^wl_test_(\d+)_/.exec(r.datname)?.[1]);
      if (pid && pid !== process.pid && alive(pid)) continue;
      await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    }
  });
  await ensureDatabase(dbUrl(template));
  await migrate(dbUrl(template), fileURLToPath(new URL("../../prisma/migrations/", import.meta.url)), { appRole: APP_ROLE, createAppRole: true });
  project.provide("templateDb", template);
  project.provide("runPid", process.pid);
  const leakReport = path.join(tmpdir(), `wl-leak-scan-${process.pid}.jsonl`);
  writeFileSync(leakReport, "");
  project.provide("leakReport", leakReport);
  return async () => {
    await dropDatabase(template);
    // Every file that ran the bot scanned its logs, audit rows and non-ephemeral Slack calls
    // for its credentials' plaintexts; a leak already failed that file. Summarise the run.
    const entries = readFileSync(leakReport, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { secrets: number; leaks: unknown[] });
    const leaks = entries.reduce((n, e) => n + e.leaks.length, 0);
    console.log(`leak scan: ${entries.length} bot runs, ${entries.reduce((n, e) => n + e.secrets, 0)} secrets searched for, ${leaks} leaks`);
    rmSync(leakReport, { force: true });
    if (leaks > 0) throw new Error(`${leaks} secret leaks found (see the failing test files)`);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
    runPid: number;
    leakReport: string;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
