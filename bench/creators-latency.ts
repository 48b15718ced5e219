// Ack and full-answer latency of `/wl find` and `/wl list` with 1,000 creators in the database.
// Run: npx tsx bench/creators-latency.ts [creators=1000] [requests=50]
// The real bot runs in this process against a throwaway database; Slack is the test FakeSlack
// (loopback HTTP). Each request is signed like Slack's and sent one after another:
//   ack    = POST sent -> HTTP response (Slack's 3 s clock stops here)
//   answer = POST sent -> the ephemeral answer arriving at response_url
import { randomBytes } from "node:crypto";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { startBot } from "../src/bot.js";
import { signSlackRequest } from "../src/slack/signature.js";
import { FakeSlack } from "../test/helpers/fake-slack.js";
import { SYSTEM_ACTOR } from "../src/identity/actor.js";
import { todayOf } from "../src/features/types.js";
import { createBenchDb, seedCreators } from "./lib/bench-db.js";
import { round, summarise, table } from "./lib/stats.js";

const CREATORS = Number(process.argv[2] ?? 1000);
const REQUESTS = Number(process.argv[3] ?? 50);
const SECRET = "bench-signing-secret-0123456789abcdef";
const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

async function main() {
  const dbName = `wl_bench_creators_${process.pid}`;
  const tdb = await createBenchDb(dbName);
  await seedCreators(tdb.url, CREATORS, 5);
  const slack = await new FakeSlack().start();
  slack.addUser({ id: "UADMIN", email: "bench-admin@studio.test", name: "Bench Admin" });
  const config = loadConfig({
    NODE_ENV: "test",
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: tdb.url,
    FIELD_ENCRYPTION_KEY: KEY,
    ADMIN_SLACK_USER_IDS: "UADMIN",
    PORT: "0",
    LOG_LEVEL: "warn",
  });
  const bot = await startBot(config, createLogger({ level: "warn" }), { host: "127.0.0.1", schedules: false });
  // The seed writes GREEN everywhere; score it as the nightly job would so RED/YELLOW exist.
  const scored = await bot.deps.health.recomputeAll(SYSTEM_ACTOR, todayOf(bot.deps));

  async function command(text: string): Promise<{ ack: number; answer: number }> {
    const id = randomBytes(6).toString("hex");
    const body = new URLSearchParams({
      token: "legacy",
      team_id: "TBENCH",
      team_domain: "bench",
      channel_id: "CBENCH",
      channel_name: "bench",
      user_id: "UADMIN",
      user_name: "bench",
      command: "/wl",
      text,
      api_app_id: "ABENCH",
      response_url: slack.responseUrl(id),
      trigger_id: `trg.${id}`,
    }).toString();
    const wallStart = Date.now();
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${bot.port}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000)) },
      body,
    });
    await res.text();
    const ack = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${text}: HTTP ${res.status}`);
    const answered = await slack.waitFor(() => slack.responses.find((r) => r.id === id), 10_000);
    const text_ = JSON.stringify(answered.body);
    if (/Something went wrong/.test(text_)) throw new Error(`${text}: ${text_.slice(0, 200)}`);
    return { ack, answer: Math.max(ack, answered.at - wallStart) };
  }

  const brands = ["Glow", "Peak", "Nova", "Vida", "Luxe"];
  const scenarios: [string, (i: number) => string][] = [
    ["/wl find <brand word>", (i) => `find ${brands[i % brands.length]}`],
    ["/wl find <creator n>", (i) => `find creator${(i * 37) % CREATORS}@`],
    ["/wl find <no match>", (i) => `find zz-none-${i}`],
    ["/wl list", () => "list"],
    ["/wl list RED", () => "list RED"],
    ["/wl list LIVE tag:VIP", () => "list LIVE tag:VIP"],
  ];
  const rows: (string | number)[][] = [];
  try {
    for (let i = 0; i < 20; i++) await command(i % 2 ? "list" : "find Glow"); // warm-up: JIT, pool, first-user setup
    for (const [name, text] of scenarios) {
      const acks: number[] = [];
      const answers: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const r = await command(text(i));
        acks.push(r.ack);
        answers.push(r.answer);
      }
      const a = summarise(acks);
      const b = summarise(answers);
      rows.push([name, a.n, round(a.p50), round(a.p95), round(a.max), round(b.p50), round(b.p95), round(b.max)]);
    }
  } finally {
    await bot.stop();
    await slack.stop();
    await tdb.drop();
  }
  console.log(
    `\n${CREATORS} creators (5 milestones each; ${scored.byScore.RED} RED, ${scored.byScore.YELLOW} YELLOW), ${REQUESTS} sequential signed requests per row, times in ms\n`,
  );
  console.log(table(["command", "n", "ack p50", "ack p95", "ack max", "answer p50", "answer p95", "answer max"], rows));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
