// `npx tsx bench/profile-bot.ts [find|list|show]`: CPU-profiles the bot (src/main.ts) under
// signed /wl traffic at concurrency 10 and prints where its time goes, by file.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createBenchDb, seedCreators } from "./lib/bench-db.js";
import { FastFakeSlack } from "./lib/fast-fake-slack.js";
import { agent, botEnv, commandReq, send, startBotProcess } from "./lib/slack-load.js";
import { createDatabase } from "../src/db.js";
import { createHealthService } from "../src/features/health/health-service.js";
import { SYSTEM_ACTOR } from "../src/identity/actor.js";
import { dateInTz } from "../src/lib/dates.js";

const what = process.argv[2] ?? "find";
const bdb = await createBenchDb("wl_bench_prof");
await seedCreators(bdb.url, 10_000, 10);
const { db, pool } = createDatabase(bdb.url);
await createHealthService({ db, pool, tz: "UTC" }).recomputeAll(SYSTEM_ACTOR, dateInTz(new Date(), "UTC"));
const brands = (await db.creator.findMany({ select: { brandName: true }, take: 500 })).map((c) => c.brandName);
await db.$disconnect();
const fake = await new FastFakeSlack().start();
const dir = mkdtempSync(path.join(tmpdir(), "wl-prof-"));
const bot = await startBotProcess(botEnv(fake.url, bdb.url), ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
const brand = () => brands[Math.floor(Math.random() * brands.length)]!;
// find: the first two words of a brand (a handful of matches); show: a whole brand (exactly one).
const text = () => (what === "find" ? `find ${brand().split(" ").slice(0, 2).join(" ")}` : what === "list" ? "list" : `show ${brand()}`);
let left = 600;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: 10 }, async () => {
    while (left-- > 0) {
      const id = randomUUID();
      const done = fake.expect(id);
      await send(bot.port, commandReq(fake.url, text(), id));
      await done.catch(() => undefined);
    }
  }),
);
console.log(`${what}: 600 requests at c=10 in ${Math.round(performance.now() - t0)} ms`);
bot.child.kill("SIGTERM");
await new Promise((r) => bot.child.on("exit", r));
await fake.stop();
agent.destroy();
await bdb.drop();

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number };
const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))!;
const prof = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as { nodes: Node[]; samples: number[] };
const total = prof.samples.length;
const byFile = new Map<string, number>();
const byFn = new Map<string, number>();
for (const n of prof.nodes) {
  const url = n.callFrame.url
    .replace(/^file:\/\//, "")
    .replace(process.cwd(), ".")
    .replace(/.*node_modules\//, "nm:");
  const key = url.startsWith("nm:")
    ? url
        .split("/")
        .slice(0, url.startsWith("nm:@") ? 2 : 1)
        .join("/")
    : url || `(${n.callFrame.functionName || "native"})`;
  byFile.set(key, (byFile.get(key) ?? 0) + n.hitCount);
  const fk = `${n.callFrame.functionName || "(anon)"} ${url}:${n.callFrame.lineNumber}`;
  byFn.set(fk, (byFn.get(fk) ?? 0) + n.hitCount);
}
const top = (m: Map<string, number>, k: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([n, c]) => `${((c / total) * 100).toFixed(1).padStart(5)}%  ${n}`)
    .join("\n");
console.log(`\nself time by package/file:\n${top(byFile, 18)}\n\nby function:\n${top(byFn, 25)}`);
