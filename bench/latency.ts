// Part 1 of `npm run bench`: Slack-facing latency of the real bot against a bare Bolt app (and,
// for the New creator form, against its floor: bench/floor-app.ts).
// All run as child processes on loopback; this process is the load generator and the fake
// Slack, so ack and completion are measured on one clock.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import {
  agent,
  botEnv,
  commandReq as signedCommand,
  payloadReq,
  send,
  startBotProcess,
  startChild,
  stopChild,
  SECRET,
  USER,
  type Req,
  type Target,
} from "./lib/slack-load.js";
import { FastFakeSlack } from "./lib/fast-fake-slack.js";
import { summarise, round, type Summary } from "./lib/stats.js";
import { asAppRole, createBenchDb, seedCreators } from "./lib/bench-db.js";
import { createDatabase } from "../src/db.js";
import { createHealthService } from "../src/features/health/health-service.js";
import { SYSTEM_ACTOR } from "../src/identity/actor.js";
import { dateInTz } from "../src/lib/dates.js";

export type LatencyRow = {
  scenario: string;
  concurrency: number;
  bare: { ack: Summary; rps: number };
  bot: { ack: Summary; completion: Summary; rps: number };
  ratios: { ackP99: number; completionP99VsBareAckP99: number; rps: number };
  /**
   * The New creator form only: a bare app that stores the submission before its ack, as the
   * contract asks of any app (bench/floor-app.ts), measured in the same rounds. `ackP99Ratio` is
   * its ack p99 over the bare app's: what the contract's one write costs before any code of ours.
   */
  floor?: { ack: Summary; ackP99Ratio: number };
};

/** Runs `total` requests with `concurrency` in flight, each waiting for its completion. */
async function drive(port: number, make: () => Req, total: number, concurrency: number, slack: FastFakeSlack | null) {
  const acks: number[] = [];
  const completions: number[] = [];
  let left = total;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const r = make();
        const t0 = performance.now();
        const wait = slack && r.key && !r.inlineAnswer ? slack.expect(r.key) : null;
        const res = await send(port, r);
        if (res.status !== 200) errors++;
        acks.push(res.ackAt - t0);
        completions.push(((await wait?.catch(() => NaN)) ?? res.ackAt) - t0);
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  return { acks, completions: completions.filter(Number.isFinite), rps: total / secs, errors };
}

let fake: FastFakeSlack;
const commandReq = (text: string, id: string) => signedCommand(fake.url, text, id);
const commandReq_ = (text: string, id: string, user: string) => signedCommand(fake.url, text, id, user);
/** Unlinked Django staff for the first-contact row; more than its warm-up and rounds use. */
const FIRST_CONTACTS = 2_000;

/** The latency database: 10,000 creators with 10 milestones each, their health scored. */
export async function createLatencyDb() {
  const bdb = await createBenchDb("wl_bench_latency");
  await seedCreators(bdb.url, 10_000, 10);
  const { db, pool } = createDatabase(bdb.url);
  await createHealthService({ db, pool, tz: "UTC" }).recomputeAll(SYSTEM_ACTOR, dateInTz(new Date(), "UTC"));
  // As autovacuum leaves a studio's tables between bursts of writes (its insert threshold alone
  // fires on a load like this one, a minute or so in): hint bits set and pages all-visible, so
  // index-only scans need no heap. Done here so no cell is measured before it and the next after.
  await pool.query("VACUUM ANALYZE");
  return { url: bdb.url, db, pool, drop: bdb.drop };
}

export async function runLatency(opts: {
  databaseUrl: string;
  rounds?: number;
  perRound?: number;
  concurrencies?: number[];
  /** Only the scenarios whose name contains this (case-insensitive). */
  only?: string;
}): Promise<LatencyRow[]> {
  fake = await new FastFakeSlack().start();
  // A new creator's card arrives as a DM whose text names the brand: that is its completion.
  fake.keyOf = (method, body) => {
    if (method !== "chat.postMessage" && method !== "chat.postEphemeral") return null;
    const m = /Bench New (\w+)/.exec(decodeURIComponent(body.replace(/\+/g, " ")));
    return m ? `new-${m[1]}` : null;
  };
  const c = new pg.Client({ connectionString: opts.databaseUrl });
  await c.connect();
  const ids = (await c.query<{ id: string }>("SELECT id FROM studio_crm_creator WHERE is_active ORDER BY random() LIMIT 200")).rows.map((r) => r.id);
  const brands = (await c.query<{ brand_name: string }>("SELECT brand_name FROM studio_crm_creator WHERE is_active ORDER BY random() LIMIT 200")).rows.map(
    (r) => r.brand_name,
  );
  // Staff known to Django (an auth_user with a role) who have never used the bot: each one's
  // first request is a first contact (users.info, then the Slack link is written).
  await c.query(
    `
    WITH u AS (
      INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
      SELECT '!bench', false, 'first' || k, 'First ' || k, '', 'ufirst' || k || '@bench.test', false, true, now()
        FROM generate_series(1, $1::int) k RETURNING id)
    INSERT INTO wl_user_role (user_id, role, updated_at) SELECT id, 'staff', now() FROM u`,
    [FIRST_CONTACTS],
  );
  await c.end();

  const bare = await startChild(["bench/bare-app.ts", SECRET, "0", `${fake.url}/api/`], {}, (l) =>
    /^ready (\d+)/.exec(l) ? Number(/^ready (\d+)/.exec(l)![1]) : null,
  );
  const bot = await startBotProcess(botEnv(fake.url, opts.databaseUrl));

  let n = 0;
  const pick = <T>(xs: T[]) => xs[n++ % xs.length]!;
  let firstContact = 0;
  const scenarios: { name: string; make: () => Req; onlyC1?: boolean; floor?: true }[] = [
    { name: "/wl find <text>", make: () => commandReq(`find ${pick(brands).split(" ").slice(0, 2).join(" ")}`, randomUUID()) },
    { name: "/wl list", make: () => commandReq("list", randomUUID()) },
    { name: "/wl show <creator>", make: () => commandReq(`show ${pick(brands)}`, randomUUID()) },
    {
      name: "button: Open (creator card)",
      make: () => {
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
            actions: [{ type: "button", action_id: "creator_open", block_id: "b", value: pick(ids), action_ts: "1.2" }],
          },
          id,
        );
      },
    },
    {
      name: "modal submit: New creator",
      floor: true,
      make: () => {
        const tag = randomUUID().replace(/-/g, "").slice(0, 12);
        const v = (value: string) => ({ type: "plain_text_input", value });
        const values: Record<string, Record<string, unknown>> = {
          creator_name: { creator_name: v(`Bench Person ${tag}`) },
          creator_email: { creator_email: v(`new-${tag}@bench.test`) },
          brand_name: { brand_name: v(`Bench New ${tag}`) },
          brand_niche: { brand_niche: v("Fitness") },
          journey_status: {
            journey_status: { type: "static_select", selected_option: { value: "ONBOARDING", text: { type: "plain_text", text: "Onboarding" } } },
          },
          priority_level: { priority_level: { type: "static_select", selected_option: { value: "3", text: { type: "plain_text", text: "3" } } } },
        };
        return payloadReq(
          {
            type: "view_submission",
            team: { id: "TBENCH", domain: "bench" },
            user: { id: USER, team_id: "TBENCH", name: "bench" },
            api_app_id: "ABENCH",
            trigger_id: `trg.${tag}`,
            view: {
              id: "VB",
              type: "modal",
              callback_id: "creator_new",
              private_metadata: "",
              hash: "h",
              title: { type: "plain_text", text: "New creator" },
              blocks: Object.keys(values).map((block_id) => ({ type: "input", block_id })),
              state: { values },
            },
          },
          `new-${tag}`,
        );
      },
    },
    {
      // Every request comes from a different unlinked user: the path each person takes once.
      name: "first contact: /wl list",
      onlyC1: true,
      make: () => {
        firstContact = (firstContact % FIRST_CONTACTS) + 1;
        return commandReq_(`list`, randomUUID(), `UFIRST${firstContact}`);
      },
    },
  ];

  const only = opts.only?.toLowerCase();
  const chosen = only ? scenarios.filter((s) => s.name.toLowerCase().includes(only)) : scenarios;
  const rounds = opts.rounds ?? 4;
  // 250 a round: four rounds make each side's p99 the 10th-slowest of 1,000 acks. With 100 a
  // round it was the 4th-slowest of 400, which a few scheduler hiccups on a 2-core VM decide for
  // either side, and at c=50 a round was only two waves of requests.
  const perRound = opts.perRound ?? 250;
  const rows: LatencyRow[] = [];
  let floor: Target | null = null;
  try {
    // Only when a chosen scenario is measured against it (the New creator form).
    if (chosen.some((s) => s.floor)) {
      floor = await startChild(["bench/floor-app.ts", SECRET, "0", asAppRole(opts.databaseUrl)], {}, (l) =>
        /^ready (\d+)/.exec(l) ? Number(/^ready (\d+)/.exec(l)![1]) : null,
      );
    }
    for (const s of chosen) {
      for (const conc of s.onlyC1 ? [1] : (opts.concurrencies ?? [1, 10, 50])) {
        // Warm each (JIT, pools, caches), then alternate bare, bot (and floor) so drift hits all alike.
        await drive(bare.port, s.make, 30, conc, null);
        await drive(bot.port, s.make, 30, conc, fake);
        if (s.floor && floor) await drive(floor.port, s.make, 30, conc, null);
        const A = { acks: [] as number[], rps: [] as number[] };
        const F = { acks: [] as number[] };
        const B = { acks: [] as number[], completions: [] as number[], rps: [] as number[], errors: 0 };
        for (let r = 0; r < rounds; r++) {
          const a = await drive(bare.port, s.make, perRound, conc, null);
          A.acks.push(...a.acks);
          A.rps.push(a.rps);
          const b = await drive(bot.port, s.make, perRound, conc, fake);
          B.acks.push(...b.acks);
          B.completions.push(...b.completions);
          B.rps.push(b.rps);
          B.errors += b.errors;
          if (s.floor && floor) F.acks.push(...(await drive(floor.port, s.make, perRound, conc, null)).acks);
        }
        const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
        const bareAck = summarise(A.acks);
        const botAck = summarise(B.acks);
        const botDone = summarise(B.completions);
        const row: LatencyRow = {
          scenario: s.name,
          concurrency: conc,
          bare: { ack: bareAck, rps: round(mean(A.rps), 0) },
          bot: { ack: botAck, completion: botDone, rps: round(mean(B.rps), 0) },
          ratios: {
            ackP99: round(botAck.p99 / bareAck.p99),
            completionP99VsBareAckP99: round(botDone.p99 / bareAck.p99),
            rps: round(mean(B.rps) / mean(A.rps)),
          },
        };
        if (s.floor) {
          const floorAck = summarise(F.acks);
          row.floor = { ack: floorAck, ackP99Ratio: round(floorAck.p99 / bareAck.p99) };
        }
        rows.push(row);
        process.stderr.write(
          `  ${s.name} c=${conc}: bare ack p50/p99 ${round(bareAck.p50)}/${round(bareAck.p99)} ms; bot ack p50/p99 ${round(botAck.p50)}/${round(botAck.p99)} ms, completion p50 ${round(botDone.p50)} / p99 ${round(botDone.p99)} ms, ${round(mean(B.rps), 0)}/s${row.floor ? `; floor (bare + the stored submission) ack p50/p99 ${round(row.floor.ack.p50)}/${round(row.floor.ack.p99)} ms, ${row.floor.ackP99Ratio}x` : ""}${B.errors ? `, ${B.errors} non-200` : ""}${botDone.n < B.acks.length ? `, ${B.acks.length - botDone.n} answers missing` : ""}\n`,
        );
      }
    }
  } finally {
    // All gone before the caller drops the database under them.
    await Promise.all([bare, bot, ...(floor ? [floor] : [])].map(stopChild));
    await fake.stop();
    agent.destroy();
  }
  return rows;
}

// One part on its own: `npx tsx bench/latency.ts [--only "New creator"] [--rounds 4] [--per-round 250] [--c 1,10,50]`
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const ldb = await createLatencyDb();
  try {
    const rows = await runLatency({
      databaseUrl: ldb.url,
      only: arg("--only"),
      rounds: arg("--rounds") ? Number(arg("--rounds")) : undefined,
      perRound: arg("--per-round") ? Number(arg("--per-round")) : undefined,
      concurrencies: arg("--c")?.split(",").map(Number),
    });
    for (const r of rows) {
      console.log(
        `${r.scenario} c=${r.concurrency}: ack p99 ratio ${r.ratios.ackP99}x (bare ${round(r.bare.ack.p99)} / bot ${round(r.bot.ack.p99)} ms), completion p50 ${round(r.bot.completion.p50)} ms, p99 ${round(r.bot.completion.p99)} ms${r.floor ? `; floor ${r.floor.ackP99Ratio}x (${round(r.floor.ack.p99)} ms)` : ""}`,
      );
    }
  } finally {
    await ldb.db.$disconnect();
    await ldb.drop();
  }
}
