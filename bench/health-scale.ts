// How long the nightly health recompute takes at scale.
//
//   npx tsx bench/health-scale.ts            1,000 / 10,000 / 100,000 creators, each in its own process
//   npx tsx bench/health-scale.ts 50000      one size
//
// Each size gets a throwaway database (created, migrated, filled with generate_series, dropped):
// n creators × 10 milestones, every creator starting GREEN. The first recomputeAll moves most of
// them (the worst night: every row written and audited); the second finds nothing to change
// (the usual night). Peak RSS is the process's, which is why each size runs in a fresh process.
import { spawnSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { ensureDatabase, migrate } from "../src/migrate/migrate-runner.js";
import { createDatabase } from "../src/db.js";
import { createHealthService } from "../src/features/health/health-service.js";
import { SYSTEM_ACTOR } from "../src/identity/actor.js";
import { dateInTz } from "../src/lib/dates.js";

const ADMIN_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DEFAULT_SIZES = [1_000, 10_000, 100_000];
const MILESTONES_PER_CREATOR = 10;
const TZ = "UTC";

export type HealthScaleResult = {
  n: number;
  seedMs: number;
  firstMs: number;
  changed: number;
  secondMs: number;
  secondChanged: number;
  peakRssMb: number;
  /** Every measured first run when a size was measured more than once (the row is the median one's). */
  firstRunsMs?: number[];
};

/**
 * Seeds and measures each size, each in a fresh process; used by `npm run bench` and by main().
 * `repeats(n)` measures a size more than once (each run on a fresh database) and keeps the run
 * with the median first-run time: one run on a shared machine can be off by half.
 */
export async function runHealthScale(sizes: readonly number[] = DEFAULT_SIZES, repeats: (n: number) => number = () => 1): Promise<HealthScaleResult[]> {
  const out: HealthScaleResult[] = [];
  for (const n of sizes.length ? sizes : DEFAULT_SIZES) {
    const runs: HealthScaleResult[] = [];
    for (let i = 0; i < Math.max(1, repeats(n)); i++) runs.push(measureInChild(n));
    runs.sort((a, b) => a.firstMs - b.firstMs);
    const median = runs[Math.floor((runs.length - 1) / 2)]!;
    out.push(runs.length > 1 ? { ...median, firstRunsMs: runs.map((r) => r.firstMs) } : median);
  }
  return out;
}

function measureInChild(n: number): HealthScaleResult {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--measure", String(n)], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`health-scale for ${n} creators failed:\n${child.stderr}`);
  return JSON.parse(line.slice(7)) as HealthScaleResult;
}

async function measure(n: number): Promise<HealthScaleResult> {
  const name = `wl_bench_health_${process.pid}`;
  const url = dbUrl(name);
  await ensureDatabase(url);
  try {
    await migrate(url, fileURLToPath(new URL("../prisma/migrations/", import.meta.url)));
    const seedMs = await time(() => seed(url, n));
    const { db, pool } = createDatabase(url);
    try {
      const health = createHealthService({ db, pool, tz: TZ });
      const today = dateInTz(new Date(), TZ);
      let first = { scanned: 0, changed: 0 };
      let second = { scanned: 0, changed: 0 };
      const firstMs = await time(async () => {
        first = await health.recomputeAll(SYSTEM_ACTOR, today);
      });
      const secondMs = await time(async () => {
        second = await health.recomputeAll(SYSTEM_ACTOR, today);
      });
      // The figures only count if the runs did the work.
      if (first.scanned !== n || second.scanned !== n) throw new Error(`scanned ${first.scanned}/${second.scanned}, expected ${n}`);
      if (second.changed !== 0) throw new Error(`second run changed ${second.changed} rows; expected none`);
      const audits = await db.auditLog.count();
      if (audits !== first.changed) throw new Error(`${audits} audit rows for ${first.changed} changes`);
      return {
        n,
        seedMs,
        firstMs,
        changed: first.changed,
        secondMs,
        secondChanged: second.changed,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      };
    } finally {
      await db.$disconnect();
    }
  } finally {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  }
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  if (sizes.some((x) => !Number.isInteger(x) || x < 1)) {
    console.error("usage: npx tsx bench/health-scale.ts [creators…]");
    process.exit(2);
  }
  console.log(`health recompute benchmark (${MILESTONES_PER_CREATOR} milestones per creator), Postgres at ${redact(ADMIN_URL)}, Node ${process.version}`);
  // Other work on the machine (a test run) inflates every figure: say how busy it was.
  console.log(
    `${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} (1/5/15 min)`,
  );
  console.log("creators  | seed     | 1st run (changed)          | 2nd run (changed) | peak RSS");
  for (const n of sizes.length ? sizes : DEFAULT_SIZES) {
    const [r] = await runHealthScale([n]);
    console.log(
      `${String(r!.n).padStart(9)} | ${secs(r!.seedMs).padStart(8)} | ${secs(r!.firstMs).padStart(8)} (${String(r!.changed).padStart(7)} changed) | ` +
        `${secs(r!.secondMs).padStart(8)} (${r!.secondChanged})   | ${r!.peakRssMb} MB`,
    );
  }
}

const isMain = process.argv[1] === fileURLToPath(import.meta.url);
if (isMain && process.argv[2] === "--measure") console.log(`RESULT ${JSON.stringify(await measure(Number(process.argv[3])))}`);
else if (isMain) await main();

/** n creators with a spread of statuses, contact and follow-up dates; 10 milestones each. */
async function seed(url: string, n: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // The creators with their triggers on (their search text is written as in production).
    await c.query(
      `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, brand_name, brand_niche,
                                       journey_status, health_score, last_status_change, last_contacted_date, next_follow_up_date, is_active)
       SELECT gen_random_uuid(), now() - (g % 120) * interval '1 day', now(), 'Creator ' || g, 'creator' || g || '@bench.test',
              'Brand ' || g, 'niche',
              (ARRAY['ONBOARDING','BRAND_BUILDING','LAUNCH','LIVE','PAUSED','CLOSED'])[1 + g % 6], 'GREEN',
              now() - (g % 90) * interval '1 day',
              CASE WHEN g % 4 = 0 THEN NULL ELSE current_date - (g % 45) END,
              CASE WHEN g % 3 = 0 THEN current_date + (g % 21) - 12 END,
              g % 25 <> 0
         FROM generate_series(1, $1::int) g`,
      [n],
    );
    // Foreign-key triggers off for the bulk load of the milestones (consistent by construction):
    // it only shortens the setup of this throwaway database, not what is measured.
    await c.query("SET session_replication_role = replica");
    await c.query(
      `INSERT INTO studio_crm_milestone (id, creator_id, created_at, title, target_date, completed_date, is_completed, related_journey_stage)
       SELECT gen_random_uuid(), c.id, now(), 'Milestone ' || k,
              CASE WHEN k = 10 THEN NULL ELSE current_date + (abs(hashtext(c.id::text || k)) % 80) - 40 END,
              CASE WHEN k % 3 = 0 THEN current_date - 1 END, k % 3 = 0, 'ONBOARDING'
         FROM studio_crm_creator c CROSS JOIN generate_series(1, $1::int) k`,
      [MILESTONES_PER_CREATOR],
    );
    await c.query("SET session_replication_role = DEFAULT");
    // As autovacuum would have by the time a nightly run comes round.
    await c.query("VACUUM ANALYZE studio_crm_creator");
    await c.query("VACUUM ANALYZE studio_crm_milestone");
    // And as the checkpointer would have: the load's dirty pages are written before the run, not during it.
    await c.query("CHECKPOINT");
  } finally {
    await c.end();
  }
}

async function time(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
