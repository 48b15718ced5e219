// `npm run bench`: everything the benchmark report holds, in one run on the local Postgres.
//   1. Slack-facing latency: the real bot vs a bare Bolt app (bench/latency.ts)
//   2. The seed's "Performance Metrics (Expected)" operations (bench/seed-ops.ts)
//   3. Scale: health recompute and digest build at 1k / 10k / 100k creators
// Writes bench/results/latest.json and prints the Markdown report (also bench/results/latest.md).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import pg from "pg";
import { round, table, timeIt } from "./lib/stats.js";
import { createLatencyDb, runLatency, type LatencyRow } from "./latency.js";
import { runSeedOps } from "./seed-ops.js";
import { runDigestScale } from "./digest-scale.js";
import { runHealthScale } from "./health-scale.js";
import { runHttpClientBench } from "./http-client.js";
import { KEY } from "./lib/slack-load.js";
import { optionsTable, runOptionsLatency } from "./options-latency.js";
import { createHealthService } from "../src/features/health/health-service.js";
import { createCreatorService } from "../src/features/creators/creator-service.js";
import { dateInTz } from "../src/lib/dates.js";

const quick = process.argv.includes("--quick");
const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const log = (s: string) => process.stderr.write(`${s}\n`);

async function machine() {
  const c = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
  await c.connect();
  const pgVersion = (await c.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  await c.end();
  return {
    date: new Date().toISOString(),
    cpu: `${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}`,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: pgVersion,
    loadAvgAtStart: os.loadavg().map((x) => round(x, 2)),
    commit: existsSync(".git") ? execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim() : "?",
  };
}

const env = await machine();
log(`bench: ${env.cpu}, Node ${env.node}, Postgres ${env.postgres}`);

log("1/3 Slack-facing latency (10,000 creators, 10 milestones each)…");
const bdb = await createLatencyDb();
const { db, pool } = bdb;
const health = createHealthService({ db, pool, tz: "UTC" });
let latency: LatencyRow[] = [];
let seedOps: Awaited<ReturnType<typeof runSeedOps>> | undefined;
try {
  latency = await runLatency({ databaseUrl: bdb.url, rounds: quick ? 2 : 4, perRound: quick ? 50 : 250 });
  log("2/3 the seed's operations…");
  const creators = createCreatorService({ db, pool, health, now: () => new Date(), today: () => dateInTz(new Date(), "UTC") });
  const ids = (await db.creator.findMany({ select: { id: true }, take: 500 })).map((c) => c.id);
  let i = 0;
  const listOf50 = () => creators.list({}, i++ % 20, 50);
  // Part 1 has just made about 3,000 creators (the New creator rows) in three minutes: their heap
  // pages are not all-visible until a vacuum, so the list's count (an index-only scan) reads the
  // heap for each of them (measured: 1.0 ms p50 before part 1, 5.9 ms right after, 1.3 ms after a
  // VACUUM). A default Postgres's autovacuum does that VACUUM within its next minute, those
  // creates having crossed its insert threshold (1,000 + 20% of 10,000); a CI host may run with
  // autovacuum off (this one's conf.d does), so the bench runs it. The seed's table is timed after
  // it, and the list right after the burst is kept as a figure beside it.
  const afterBurst = await timeIt(listOf50, { iterations: 500 });
  await pool.query("VACUUM ANALYZE");
  seedOps = await runSeedOps(bdb.url, KEY, {
    "Creator list (50 items, with health reasons)": { seedExpectsMs: 100, goalMs: 10, fn: listOf50 },
    "Creator detail view (the card)": { seedExpectsMs: 50, goalMs: 5, fn: () => creators.card(ids[i++ % ids.length]!) },
  });
  seedOps.splice(1, 0, {
    operation: "Creator list right after part 1's burst of creates, before its vacuum",
    seedExpectsMs: 100,
    goalMs: 10,
    result: afterBurst,
    figureOnly: true,
  });
} finally {
  await db.$disconnect();
  await bdb.drop();
}

log(`3/3 scale: ${sizes.join(" / ")} creators…`);
// The 100,000 figure is a goal: its median of three runs, each on a fresh database.
const healthScale = await runHealthScale(sizes, (n) => (n >= 100_000 ? 3 : 1));
const digestScale = await runDigestScale(sizes);

log("http clients for Slack answers: global fetch vs a keep-alive http.Agent…");
const httpClients = await runHttpClientBench(quick ? 1_000 : 4_000);
log("creator picker options: the bot vs a bare Bolt app…");
const options = await runOptionsLatency({ sizes: sizes.filter((n) => n >= 10_000), requests: quick ? 50 : 200, concurrencies: quick ? [1] : [1, 10], log });

const soakPath = new URL("./results/soak.json", import.meta.url);
const soak = existsSync(soakPath) ? (JSON.parse(readFileSync(soakPath, "utf8")) as Record<string, unknown>) : null;

const row = (scenario: string, c: number) => latency.find((r) => r.scenario.startsWith(scenario) && r.concurrency === c);
const seedOp = (prefix: string) => (seedOps ?? []).find((r) => r.operation.startsWith(prefix));
const health100k = healthScale.find((r) => r.n === 100_000);
/** A goal on one of the seed table's operations: its p95 under `limitMs`. */
function seedGoal(prefix: string, what: string, limitMs: number) {
  const r = seedOp(prefix);
  return { goal: `${what}: p95 < ${limitMs} ms`, measured: r ? `${round(r.result.p95)} ms` : "not run", met: r ? r.result.p95 < limitMs : null };
}
/** The issue's goals, each with its measured figure (bot vs the bare app in the same run). */
const goals: { goal: string; measured: string; met: boolean | null }[] = [
  ...["/wl find", "/wl list", "/wl show", "button: Open", "modal submit: New creator"].flatMap((s) =>
    [1, 10, 50].map((c) => {
      const r = row(s, c);
      return { goal: `${s} c=${c}: ack p99 ≤ 2x bare`, measured: r ? `${r.ratios.ackP99}x` : "not run", met: r ? r.ratios.ackP99 <= 2 : null };
    }),
  ),
  ...(["/wl find", "/wl list", "/wl show", "modal submit: New creator"] as const).map((s) => {
    const r = row(s, 1);
    const limit = s.startsWith("modal") ? 10 : 5;
    return {
      goal: `${s} c=1: completion p50 < ${limit} ms`,
      measured: r ? `${round(r.bot.completion.p50)} ms` : "not run",
      met: r ? r.bot.completion.p50 < limit : null,
    };
  }),
  (() => {
    const r = row("modal submit: New creator", 1);
    return {
      goal: "modal submit: New creator c=1: the contract's floor (a bare app that stores the submission before its ack), ack p99 ratio (figure only)",
      measured: r?.floor ? `${r.floor.ackP99Ratio}x (bot ${r.ratios.ackP99}x)` : "not run",
      met: null,
    };
  })(),
  (() => {
    const r = row("first contact", 1);
    return {
      goal: "first contact (unlinked Django user) c=1: completion p50 (figure only)",
      measured: r ? `${round(r.bot.completion.p50)} ms` : "not run",
      met: null,
    };
  })(),
  (() => {
    const r = row("/wl find", 50);
    return {
      goal: "/wl find c=50: completed rate ≥ 0.2x bare",
      measured: r ? `${r.ratios.rps}x (${r.bot.rps}/s vs ${r.bare.rps}/s)` : "not run",
      met: r ? r.ratios.rps >= 0.2 : null,
    };
  })(),
  seedGoal("Creator list", "list of 50", 10),
  seedGoal("Audit log insertion", "audit insert, a change's (audited(), warm process)", 2),
  seedGoal("VIEW row, group-committed", "audit insert, a request's VIEW row (group commit)", 2),
  {
    goal: "health recompute at 100,000 creators < 5 s",
    measured: health100k
      ? `${round(health100k.firstMs / 1000)} s${health100k.firstRunsMs ? ` (median of ${health100k.firstRunsMs.map((x) => round(x / 1000)).join(" / ")} s)` : ""}`
      : "not run (--quick)",
    met: health100k ? health100k.firstMs < 5_000 : null,
  },
];

const report = { machine: env, goals, latency, seedOps, scale: { health: healthScale, digest: digestScale }, httpClients, options, soak };
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/latest.json", import.meta.url), JSON.stringify(report, null, 2));

const ms = (x: number) => round(x, 2);
const md = [
  `# Benchmark report${quick ? " (--quick: fewer rounds, no 100,000-creator scale)" : ""}`,
  ``,
  `${env.date} · ${env.cpu} · ${env.memoryGiB} GiB · ${env.os} · Node ${env.node} · Postgres ${env.postgres} · commit ${env.commit} · load at start ${env.loadAvgAtStart.join(" ")}`,
  ``,
  `## Goals (issue 13)`,
  ``,
  table(
    ["goal", "measured", "met"],
    goals.map((g) => [g.goal, g.measured, g.met === null ? "-" : g.met ? "yes" : "NO"]),
  ),
  ``,
  `## 1. Slack-facing latency: the bot vs a bare Bolt app (ms; 10,000 creators)`,
  ``,
  table(
    [
      "request",
      "c",
      "bare ack p50/p99",
      "bot ack p50/p99",
      "ack p99 ratio",
      "bot completion p50/p99",
      "completion p99 / bare ack p99",
      "bare rps",
      "bot rps",
      "rps ratio",
    ],
    latency.map((r) => [
      r.scenario,
      r.concurrency,
      `${ms(r.bare.ack.p50)} / ${ms(r.bare.ack.p99)}`,
      `${ms(r.bot.ack.p50)} / ${ms(r.bot.ack.p99)}`,
      r.ratios.ackP99,
      `${ms(r.bot.completion.p50)} / ${ms(r.bot.completion.p99)}`,
      r.ratios.completionP99VsBareAckP99,
      r.bare.rps,
      r.bot.rps,
      r.ratios.rps,
    ]),
  ),
  ``,
  `The New creator form's floor: a bare Bolt app that only stores the submission (the bot's own INSERT with its duplicate-email check) before its ack, as the contract asks of any app (bench/floor-app.ts), in the same rounds:`,
  ``,
  table(
    ["c", "bare ack p99", "floor ack p50/p99", "floor ack p99 ratio", "bot ack p99 ratio"],
    latency.flatMap((r) =>
      r.floor ? [[r.concurrency, ms(r.bare.ack.p99), `${ms(r.floor.ack.p50)} / ${ms(r.floor.ack.p99)}`, r.floor.ackP99Ratio, r.ratios.ackP99]] : [],
    ),
  ),
  ``,
  `## 2. The seed's expected performance, measured in process`,
  ``,
  table(
    ["operation", "seed expects", "goal (10x)", "p50 ms", "p95 ms", "meets goal (p95)"],
    (seedOps ?? []).map((r) => [
      r.operation,
      `< ${r.seedExpectsMs} ms`,
      `< ${r.goalMs} ms`,
      ms(r.result.p50),
      ms(r.result.p95),
      r.figureOnly ? "- (figure only)" : r.result.p95 < r.goalMs ? "yes" : "NO",
    ]),
  ),
  ``,
  `## 3. Scale`,
  ``,
  `Health recompute (10 milestones per creator):`,
  ``,
  table(
    ["creators", "first run s", "changed", "second run s", "peak RSS MB", "first runs s (when repeated; the row is the median's)"],
    healthScale.map((r) => [
      r.n,
      round(r.firstMs / 1000),
      r.changed,
      round(r.secondMs / 1000),
      r.peakRssMb,
      r.firstRunsMs ? r.firstRunsMs.map((x) => round(x / 1000)).join(" / ") : "-",
    ]),
  ),
  ``,
  `Digest build (~10% RED or YELLOW):`,
  ``,
  table(
    ["active creators", "RED / YELLOW", "messages", "cold total ms", "warm total ms", "peak RSS MB"],
    digestScale.map((r) => [r.n, `${r.red} / ${r.yellow}`, r.messages, Math.round(r.totalMs), Math.round(r.warm.totalMs), r.peakRssMb]),
  ),
  ``,
  `## HTTP client for Slack answers (bench/http-client.ts; the bot posts response_url answers and Web API calls through the keep-alive Agent)`,
  ``,
  table(
    ["client", "c", "p50 ms", "p99 ms", "req/s", "CPU µs/request"],
    httpClients.map((r) => [r.client, r.concurrency, r.p50, r.p99, r.rps, r.cpuUsPerRequest]),
  ),
  ``,
  `## Creator picker options: the bot vs a bare Bolt app (ms; the ack carries the options)`,
  ``,
  optionsTable(options),
  ...(soak
    ? [
        ``,
        `## Soak (from bench/results/soak.json, \`npm run soak\`)`,
        ``,
        "```json",
        JSON.stringify({ ...soak, memory: { ...(soak.memory as object), samples: undefined } }, null, 2),
        "```",
      ]
    : []),
].join("\n");
writeFileSync(new URL("./results/latest.md", import.meta.url), md);
console.log(md);
