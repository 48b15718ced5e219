// `npm run soak [-- --minutes 3 --rate 40]`: mixed signed traffic at a steady rate against the
// running bot (src/main.ts as a child, 10,000 creators), recording status codes, ack latency and
// the bot's memory over time. A script that prints figures, not a test.
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import pg from "pg";
import { createBenchDb, seedCreators } from "./lib/bench-db.js";
import { FastFakeSlack } from "./lib/fast-fake-slack.js";
import { agent, botEnv, commandReq, payloadReq, send, startBotProcess, stopChild, USER, type Req } from "./lib/slack-load.js";
import { createHealthService } from "../src/features/health/health-service.js";
import { createDatabase } from "../src/db.js";
import { SYSTEM_ACTOR } from "../src/identity/actor.js";
import { dateInTz } from "../src/lib/dates.js";
import { round, summarise, table } from "./lib/stats.js";

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const minutes = arg("minutes", 3);
const rate = arg("rate", 40);

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

export async function runSoak(opts: { minutes: number; rate: number }) {
  const bdb = await createBenchDb("wl_bench_soak");
  await seedCreators(bdb.url, 10_000, 10);
  const { db, pool } = createDatabase(bdb.url);
  await createHealthService({ db, pool, tz: "UTC" }).recomputeAll(SYSTEM_ACTOR, dateInTz(new Date(), "UTC"));
  await db.$disconnect();
  const c = new pg.Client({ connectionString: bdb.url });
  await c.connect();
  const brands = (await c.query<{ b: string; id: string }>("SELECT brand_name AS b, id FROM studio_crm_creator WHERE is_active LIMIT 500")).rows;
  await c.end();

  const fake = await new FastFakeSlack().start();
  const bot = await startBotProcess(botEnv(fake.url, bdb.url));
  const pid = bot.child.pid!;
  let n = 0;
  const pick = () => brands[n++ % brands.length]!;
  const mix: (() => Req)[] = [
    () => commandReq(fake.url, `find ${pick().b.split(" ")[1]}`, randomUUID()),
    () => commandReq(fake.url, `find ${pick().b.split(" ")[1]}`, randomUUID()),
    () => commandReq(fake.url, "list", randomUUID()),
    () => commandReq(fake.url, `show ${pick().b}`, randomUUID()),
    () => commandReq(fake.url, "help", randomUUID()),
    () => {
      const id = randomUUID();
      return payloadReq(
        {
          type: "block_actions",
          team: { id: "TBENCH", domain: "bench" },
          user: { id: USER, team_id: "TBENCH", name: "bench" },
          api_app_id: "ABENCH",
          trigger_id: `trg.${id}`,
          response_url: `${fake.url}/r/${id}`,
          container: { type: "message", message_ts: "1.1", channel_id: "CBENCH", is_ephemeral: true },
          channel: { id: "CBENCH", name: "bench" },
          actions: [{ type: "button", action_id: "creator_open", block_id: "b", value: pick().id, action_ts: "1.2" }],
        },
        id,
      );
    },
  ];

  const acks: number[] = [];
  const completions: number[] = [];
  const statuses = new Map<number, number>();
  const memory: { atSec: number; rssMb: number }[] = [];
  let missing = 0;
  const durationMs = opts.minutes * 60_000;
  const started = performance.now();
  const inflight = new Set<Promise<void>>();
  const sampler = setInterval(() => memory.push({ atSec: round((performance.now() - started) / 1000, 0), rssMb: round(rssMb(pid), 1) }), 5_000);
  memory.push({ atSec: 0, rssMb: round(rssMb(pid), 1) });
  // Open loop: requests leave on a fixed schedule whatever the bot's latency, as Slack's do.
  for (let i = 0; ; i++) {
    const due = started + (i * 1000) / opts.rate;
    if (due - started > durationMs) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const r = mix[i % mix.length]!();
    const p = (async () => {
      const t0 = performance.now();
      const done = r.key ? fake.expect(r.key, 10_000).catch(() => NaN) : null;
      const res = await send(bot.port, r).catch(() => ({ status: 0, ackAt: performance.now(), body: "" }));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      acks.push(res.ackAt - t0);
      const at = done ? await done : res.ackAt;
      if (Number.isNaN(at)) missing++;
      else completions.push(at - t0);
    })();
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  await Promise.all(inflight);
  clearInterval(sampler);
  memory.push({ atSec: round((performance.now() - started) / 1000, 0), rssMb: round(rssMb(pid), 1) });
  // The bot's shutdown (job worker, audit checkpoint) finishes before its database is dropped.
  await stopChild(bot);
  await fake.stop();
  agent.destroy();
  await bdb.drop();

  // Memory is "flat" when the last fifth, after warm-up, averages no more than the second fifth + 15%.
  const fifth = Math.max(1, Math.floor(memory.length / 5));
  const avg = (xs: { rssMb: number }[]) => xs.reduce((a, b) => a + b.rssMb, 0) / xs.length;
  const early = avg(memory.slice(fifth, 2 * fifth));
  const late = avg(memory.slice(-fifth));
  const total = acks.length;
  const fivexx = [...statuses].filter(([s]) => s >= 500 || s === 0).reduce((a, [, k]) => a + k, 0);
  const ack = summarise(acks);
  return {
    minutes: opts.minutes,
    ratePerSec: opts.rate,
    requests: total,
    statuses: Object.fromEntries(statuses),
    fivexx,
    ack,
    completion: summarise(completions),
    answersMissing: missing,
    acksOver3s: acks.filter((a) => a > 3000).length,
    memory: { samples: memory, earlyMb: round(early, 1), lateMb: round(late, 1), growthPct: round(((late - early) / early) * 100, 1) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runSoak({ minutes, rate });
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/soak.json", import.meta.url), JSON.stringify({ date: new Date().toISOString(), ...r }, null, 2));
  console.log(`\nSoak: ${r.minutes} min at ${r.ratePerSec} req/s (mixed find/list/show/help/button), 10,000 creators\n`);
  console.log(
    table(
      [
        "requests",
        "5xx / errors",
        "acks > 3 s",
        "ack p50 ms",
        "ack p99 ms",
        "ack max ms",
        "completion p99 ms",
        "answers missing",
        "RSS early MB",
        "RSS late MB",
        "growth",
      ],
      [
        [
          r.requests,
          r.fivexx,
          r.acksOver3s,
          round(r.ack.p50),
          round(r.ack.p99),
          round(r.ack.max),
          round(r.completion.p99),
          r.answersMissing,
          r.memory.earlyMb,
          r.memory.lateMb,
          `${r.memory.growthPct}%`,
        ],
      ],
    ),
  );
  if (r.fivexx > 0 || r.acksOver3s > 0) process.exitCode = 1;
}
