// The creator picker's options handler (block_suggestion, answered in the ack) against a bare
// Bolt app's options handler, on the same receiver and signing secret, in the same run.
// Run: npx tsx bench/options-latency.ts [--quick] [--sizes 10000,100000] [--requests 200]
// Each size gets a throwaway database with that many creators; the real bot (src/main.ts) and
// the bare app run as child processes, driven alternately with signed requests, one at a time
// and 10 at once. The ack is the answer here: latency = POST sent -> HTTP response with options.
import { fileURLToPath } from "node:url";
import { agent, botEnv, payloadReq, send, startBotProcess, startChild, SECRET, USER, type Req } from "./lib/slack-load.js";
import { BRAND_A, BRAND_B, createBenchDb, FIRST, LAST, seedCreators } from "./lib/bench-db.js";
import { FastFakeSlack } from "./lib/fast-fake-slack.js";
import { round, summarise, table, type Summary } from "./lib/stats.js";

export type OptionsRow = {
  creators: number;
  concurrency: number;
  query: string;
  bare: Summary;
  bot: Summary;
  p50Ratio: number;
  p95Ratio: number;
  p99Ratio: number;
  emptyAnswers: number;
};

/**
 * What people type into the picker, drawn from the words the bench data is made of (bench-db.ts),
 * so every query but the miss has matches: a brand word, a name fragment, an email prefix, a miss.
 */
const at = <T>(xs: readonly T[], i: number) => xs[i % xs.length]!;
const QUERIES: [string, (i: number) => string][] = [
  ["brand word", (i) => (i % 2 ? at(BRAND_A, i * 7) : at(BRAND_B, i * 5)).toLowerCase()],
  ["creator name", (i) => `${at(FIRST, i * 11)} ${at(LAST, i * 5).slice(0, 3)}`],
  ["email prefix", (i) => `${at(FIRST, i * 13).toLowerCase()}.${at(LAST, i * 3).toLowerCase()}`],
  ["no match", (i) => `zz-none-${i}`],
];

function suggestion(value: string): Req {
  return payloadReq(
    {
      type: "block_suggestion",
      user: { id: USER, team_id: "TBENCH" },
      team: { id: "TBENCH", domain: "bench" },
      api_app_id: "ABENCH",
      token: "x",
      container: { type: "view", view_id: "VBENCH" },
      action_id: "creator_pick",
      block_id: "creator",
      value,
      view: { id: "VBENCH", type: "modal", callback_id: "find_creator", private_metadata: "", blocks: [], state: { values: {} }, hash: "h" },
    },
    null,
    true,
  );
}

async function timed(port: number, r: Req): Promise<{ ms: number; options: number }> {
  const t0 = performance.now();
  const res = await send(port, r);
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  const options = (JSON.parse(res.body || "{}") as { options?: unknown[] }).options?.length ?? 0;
  return { ms: res.ackAt - t0, options };
}

export async function runOptionsLatency(opts: {
  sizes: number[];
  requests: number;
  concurrencies?: number[];
  log?: (s: string) => void;
}): Promise<OptionsRow[]> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const rows: OptionsRow[] = [];
  const fake = await new FastFakeSlack().start();
  const bare = await startChild(["bench/bare-app.ts", SECRET, "0", `${fake.url}/api/`], {}, (l) =>
    /^ready (\d+)/.exec(l) ? Number(/^ready (\d+)/.exec(l)![1]) : null,
  );
  try {
    for (const n of opts.sizes) {
      log(`options latency: seeding ${n.toLocaleString("en")} creators…`);
      const bdb = await createBenchDb(`wl_bench_options_${n}`);
      await seedCreators(bdb.url, n, 0);
      // Not production: that needs an anchor key and a limited database role the bench database lacks.
      const bot = await startBotProcess({ ...botEnv(fake.url, bdb.url), NODE_ENV: "test" });
      try {
        // Warm-up: the first request resolves the caller (users.info) and prepares the statement.
        for (let i = 0; i < 20; i++) await Promise.all([timed(bot.port, suggestion("glow")), timed(bare.port, suggestion("glow"))]);
        for (const c of opts.concurrencies ?? [1, 10]) {
          for (const [name, make] of QUERIES) {
            const botMs: number[] = [];
            const bareMs: number[] = [];
            let empty = 0;
            for (let done = 0; done < opts.requests; done += c) {
              // Alternate which app goes first in each batch, so neither always sees a warmer machine.
              const batch = Array.from({ length: c }, (_, k) => make(done + k));
              const runBot = async () => {
                for (const r of await Promise.all(batch.map((q) => timed(bot.port, suggestion(q))))) {
                  botMs.push(r.ms);
                  if (r.options === 0 && name !== "no match") empty++;
                }
              };
              const runBare = async () => bareMs.push(...(await Promise.all(batch.map((q) => timed(bare.port, suggestion(q))))).map((r) => r.ms));
              if ((done / c) % 2 === 0) await runBot().then(runBare);
              else await runBare().then(runBot);
            }
            const b = summarise(botMs);
            const a = summarise(bareMs);
            rows.push({
              creators: n,
              concurrency: c,
              query: name,
              bare: a,
              bot: b,
              p50Ratio: round(b.p50 / a.p50),
              p95Ratio: round(b.p95 / a.p95),
              p99Ratio: round(b.p99 / a.p99),
              emptyAnswers: empty,
            });
          }
        }
      } finally {
        bot.child.kill("SIGTERM");
        await new Promise((r) => bot.child.once("exit", r));
        await bdb.drop();
      }
    }
  } finally {
    bare.child.kill("SIGTERM");
    agent.destroy();
    await fake.stop();
  }
  return rows;
}

export function optionsTable(rows: OptionsRow[]): string {
  const ms = (x: number) => round(x, 2);
  return table(
    ["creators", "c", "typed", "bare p50 / p95 / p99", "bot p50 / p95 / p99", "ratio p50 / p95 / p99", "empty answers"],
    rows.map((r) => [
      r.creators.toLocaleString("en"),
      r.concurrency,
      r.query,
      `${ms(r.bare.p50)} / ${ms(r.bare.p95)} / ${ms(r.bare.p99)}`,
      `${ms(r.bot.p50)} / ${ms(r.bot.p95)} / ${ms(r.bot.p99)}`,
      `${r.p50Ratio} / ${r.p95Ratio} / ${r.p99Ratio}`,
      r.emptyAnswers,
    ]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const quick = process.argv.includes("--quick");
  const sizes = (arg("--sizes") ?? (quick ? "10000" : "10000,100000")).split(",").map(Number);
  const requests = Number(arg("--requests") ?? (quick ? 40 : 200));
  const rows = await runOptionsLatency({ sizes, requests, concurrencies: quick ? [1] : [1, 10] });
  console.log(`## Creator picker options (ms; the ack carries the options)\n\n${optionsTable(rows)}`);
}
