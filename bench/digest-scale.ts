// How long does building the health digest take as the studio grows?
//
//   npx tsx bench/digest-scale.ts [sizes…]        (default: 1000 10000 100000)
//
// Creates its own database (BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432), bulk-
// inserts N active creators with SQL generate_series (~10% RED or YELLOW, two milestones each),
// then measures, in a fresh child process per size (so peak RSS is that size's alone):
//   query + reasons: the flagged creators and their health reasons (DigestService.prepare)
//   blocks:          rendering and splitting into Slack messages (renderDigest)
//   from plan:       what each replica does before posting: reload the planned ids + render
// and drops the database at the end.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { ensureDatabase, migrate } from "../src/migrate/migrate-runner.js";
import { createDatabase } from "../src/db.js";
import { createHealthService } from "../src/features/health/health-service.js";
import { createDigestService } from "../src/features/digests/digest-service.js";
import { renderDigest } from "../src/features/digests/digest-blocks.js";
import { dateInTz } from "../src/lib/dates.js";

const BASE = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
const urlFor = (name: string) => {
  const u = new URL(BASE);
  u.pathname = `/${name}`;
  return u.toString();
};
const mb = (kb: number) => Math.round(kb / 1024);

type Result = {
  n: number;
  flagged: number;
  red: number;
  yellow: number;
  messages: number;
  queryMs: number;
  reasonsMs: number;
  blocksMs: number;
  totalMs: number;
  warm: { queryMs: number; reasonsMs: number; blocksMs: number; totalMs: number };
  fromPlanMs: number;
  baseRssMb: number;
  peakRssMb: number;
};

async function measure(url: string, n: number): Promise<void> {
  const { db, pool } = createDatabase(url, { max: 4 });
  await db.$queryRaw`SELECT 1`;
  const baseRss = process.resourceUsage().maxRSS;
  const real = createHealthService({ db, pool, tz: "UTC" });
  let reasonsMs = 0;
  const health = {
    recompute: real.recompute,
    tz: real.tz,
    healthFor: async (...a: Parameters<typeof real.healthFor>) => {
      const t = performance.now();
      const r = await real.healthFor(...a);
      reasonsMs += performance.now() - t;
      return r;
    },
  };
  const service = createDigestService({ db, health });
  const today = dateInTz(new Date(), "UTC");

  const build = async () => {
    reasonsMs = 0;
    const t0 = performance.now();
    const { snapshot, entries } = await service.prepare(today, { compareWithToday: true });
    const t1 = performance.now();
    const messages = renderDigest(snapshot, entries, { kind: "scheduled" });
    const t2 = performance.now();
    return { snapshot, messages, prepMs: t1 - t0, reasons: reasonsMs, blocksMs: t2 - t1, totalMs: t2 - t0 };
  };
  const cold = await build();
  // Warm: the best of three runs, by total (the process and Postgres caches are hot).
  let warm = { queryMs: Infinity, reasonsMs: 0, blocksMs: 0, totalMs: Infinity };
  for (let i = 0; i < 3; i++) {
    const b = await build();
    if (b.totalMs < warm.totalMs) warm = { queryMs: b.prepMs - b.reasons, reasonsMs: b.reasons, blocksMs: b.blocksMs, totalMs: b.totalMs };
  }
  const t = performance.now();
  renderDigest(cold.snapshot, await service.entriesFor(cold.snapshot, today), { kind: "scheduled" });
  const fromPlanMs = performance.now() - t;

  const result: Result = {
    n,
    flagged: cold.snapshot.red.length + cold.snapshot.yellow.length,
    red: cold.snapshot.red.length,
    yellow: cold.snapshot.yellow.length,
    messages: cold.messages.length,
    queryMs: cold.prepMs - cold.reasons,
    reasonsMs: cold.reasons,
    blocksMs: cold.blocksMs,
    totalMs: cold.totalMs,
    warm,
    fromPlanMs,
    baseRssMb: mb(baseRss),
    peakRssMb: mb(process.resourceUsage().maxRSS),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
  await db.$disconnect();
}

async function seed(c: pg.Client, n: number): Promise<number> {
  const t = performance.now();
  await c.query("TRUNCATE studio_crm_creator CASCADE");
  // Every 20th creator RED (no contact for 40 days; every 40th also a follow-up 10 days late),
  // every 20th+10 YELLOW (no contact for 20 days): 10% flagged. The rest contacted today.
  await c.query(
    `INSERT INTO studio_crm_creator (id, created_at, creator_name, creator_email, brand_name, brand_niche, journey_status,
       health_score, last_status_change, priority_level, last_contacted_date, next_follow_up_date, is_active)
     SELECT gen_random_uuid(), now() - interval '400 days', 'Creator ' || i, 'creator' || i || '@bench.test', 'Brand ' || i, 'Beauty', 'LIVE',
            CASE WHEN i % 20 = 0 THEN 'RED' WHEN i % 20 = 10 THEN 'YELLOW' ELSE 'GREEN' END,
            now() - make_interval(mins => i), 1 + i % 5,
            CASE WHEN i % 20 = 0 THEN current_date - 40 WHEN i % 20 = 10 THEN current_date - 20 ELSE current_date END,
            CASE WHEN i % 40 = 0 THEN current_date - 10 ELSE current_date + 7 END,
            true
       FROM generate_series(1, $1::int) AS i`,
    [n],
  );
  // Two milestones each (one done, one ahead); RED creators of priority 1 also one 9 days overdue.
  await c.query(
    `INSERT INTO studio_crm_milestone (id, creator_id, title, target_date, is_completed, related_journey_stage)
     SELECT gen_random_uuid(), c.id, 'Milestone ' || k, current_date + (k * 30 - 45), k = 1, 'LIVE'
       FROM studio_crm_creator c CROSS JOIN generate_series(1, 2) AS k`,
  );
  await c.query(
    `INSERT INTO studio_crm_milestone (id, creator_id, title, target_date, is_completed, related_journey_stage)
     SELECT gen_random_uuid(), id, 'Launch page', current_date - 9, false, 'LAUNCH'
       FROM studio_crm_creator WHERE health_score = 'RED' AND priority_level = 1`,
  );
  await c.query("ANALYZE studio_crm_creator; ANALYZE studio_crm_milestone");
  return performance.now() - t;
}

export type DigestScaleResult = Result & { seedMs: number };

/** Seeds and measures each size; used by `npm run bench` and by this script's own main(). */
export async function runDigestScale(sizes: number[]): Promise<DigestScaleResult[]> {
  const name = `wl_bench_digest_${process.pid}`;
  const url = urlFor(name);
  await ensureDatabase(url);
  const results: (Result & { seedMs: number })[] = [];
  try {
    await migrate(url, fileURLToPath(new URL("../prisma/migrations/", import.meta.url)));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      for (const n of sizes.length ? sizes : [1_000, 10_000, 100_000]) {
        const seedMs = await seed(c, n);
        const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--measure", url, String(n)], {
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
        const line = child.stdout.split("\n").find((l) => l.startsWith("RESULT "));
        if (!line) throw new Error(`measurement for ${n} failed:\n${child.stderr}`);
        results.push({ ...(JSON.parse(line.slice(7)) as Result), seedMs });
      }
    } finally {
      await c.end();
    }
  } finally {
    const admin = new pg.Client({ connectionString: urlFor("postgres") });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  return results;
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((x) => x > 0);
  const results = await runDigestScale(sizes);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log("\nDigest build time (Postgres 15 local; Node", `${process.version})\n`);
  console.table(
    results.map((r) => ({
      "active creators": r.n,
      "RED / YELLOW": `${r.red} / ${r.yellow}`,
      messages: r.messages,
      "cold: query / reasons / blocks": `${ms(r.queryMs)} / ${ms(r.reasonsMs)} / ${ms(r.blocksMs)}`,
      "cold total": ms(r.totalMs),
      "warm: query / reasons / blocks": `${ms(r.warm.queryMs)} / ${ms(r.warm.reasonsMs)} / ${ms(r.warm.blocksMs)}`,
      "warm total": ms(r.warm.totalMs),
      "from plan (per replica)": ms(r.fromPlanMs),
      "peak RSS": `${r.peakRssMb} MB (base ${r.baseRssMb} MB)`,
      seed: ms(r.seedMs),
    })),
  );
}

const isMain = process.argv[1] === fileURLToPath(import.meta.url);
if (isMain && process.argv[2] === "--measure") await measure(process.argv[3]!, Number(process.argv[4]));
else if (isMain) await main();
