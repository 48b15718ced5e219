// Ad-hoc: where does a /wl find spend its time? (not part of npm run bench)
import { createBenchDb, seedCreators } from "./lib/bench-db.js";
import { createDatabase } from "../src/db.js";
import { createHealthService } from "../src/features/health/health-service.js";
import { createCreatorService } from "../src/features/creators/creator-service.js";
import { writeAudit } from "../src/audit/audit-service.js";
import { SYSTEM_ACTOR } from "../src/identity/actor.js";
import { dateInTz } from "../src/lib/dates.js";
import { timeIt, round } from "./lib/stats.js";

const bdb = await createBenchDb("wl_bench_profile");
await seedCreators(bdb.url, 10_000, 10);
const { db, pool } = createDatabase(bdb.url);
const health = createHealthService({ db, pool, tz: "UTC" });
await health.recomputeAll(SYSTEM_ACTOR, dateInTz(new Date(), "UTC"));
const creators = createCreatorService({ db, pool, health, now: () => new Date(), today: () => dateInTz(new Date(), "UTC") });
const ids = (await db.creator.findMany({ select: { id: true }, take: 100 })).map((c) => c.id);
let i = 0;
const show = async (name: string, fn: () => unknown) => {
  const r = await timeIt(fn, { iterations: 200, warmup: 20 });
  console.log(`${name.padEnd(40)} p50 ${round(r.p50)} ms  p95 ${round(r.p95)} ms`);
};
await show("SELECT 1 (prisma)", () => db.$queryRaw`SELECT 1`);
await show("find 'Luna Botanica'", () => creators.find("Luna Botanica"));
await show("find 'glow'", () => creators.find("glow"));
await show("list page 0", () => creators.list({}, 0));
await show("card", () => creators.card(ids[i++ % ids.length]!));
await show("writeAudit VIEW", () => writeAudit(db, SYSTEM_ACTOR, { action: "VIEW", targetModel: "X", targetId: ids[0]!, targetDisplay: "x" }));
await show("slackUser findUnique", () =>
  db.slackUser.findUnique({
    where: { slackUserId: "UX" },
    select: { slackTeamId: true, user: { select: { id: true, email: true, role: { select: { role: true } } } } },
  }),
);
await db.$disconnect();
await bdb.drop();
