import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, TEAM, type Harness } from "../helpers/bot-harness.js";
import { FakeAnthropic } from "../helpers/fake-anthropic.js";
import { captureLogger } from "../helpers/logs.js";
import { startBot, type RunningBot } from "../../src/bot.js";
import { GENERATE_JOB } from "../../src/features/deliverables/deliverable-service.js";
import { createJobStore } from "../../src/jobs/jobs-service.js";

// Deliverables as jobs, across replicas of the bot on one database: a replica that stops
// mid-generation, and one that dies mid-generation. The
// harness's own bot serves the requests but runs no jobs; replicas started here do.

let h: Harness;
let ai: FakeAnthropic;
let creatorId: string;
const replicas: RunningBot[] = [];

beforeAll(async () => {
  ai = await new FakeAnthropic().start();
  h = await startHarness({ ANTHROPIC_API_KEY: "test-anthropic-key-jobs-0123456789", ANTHROPIC_BASE_URL: ai.url }, { jobs: { start: false } });
  await grantRoles(h, { USTAFF: "staff" });
  const c = await h.tdb.db.creator.create({
    data: {
      creatorName: "Rae Race",
      creatorEmail: "rae@race.test",
      brandName: "Race Co",
      brandNiche: "Running",
      journeyStatus: "ONBOARDING",
      healthScore: "GREEN",
      lastStatusChange: new Date(),
    },
  });
  creatorId = c.id;
});
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.stop({ graceMs: 3_000 })));
});
afterAll(async () => {
  await h?.close();
  await ai?.stop();
});

async function replica(jobs: { staleAfterMs?: number; heartbeatMs?: number } = {}): Promise<RunningBot> {
  const r = await startBot(h.config, captureLogger().logger, { host: "127.0.0.1", schedules: false, jobs: { pollMs: 100, ...jobs } });
  replicas.push(r);
  return r;
}
const record = (id: string) => h.tdb.db.aiDeliverable.findUniqueOrThrow({ where: { id } });
const byUser = async (slackUserId: string) => {
  const u = await h.tdb.db.slackUser.findUniqueOrThrow({ where: { slackUserId } });
  return h.tdb.db.aiDeliverable.findMany({ where: { createdById: u.userId }, orderBy: { createdAt: "asc" } });
};
const trail = async (id: string) =>
  (await h.tdb.db.auditLog.findMany({ where: { targetId: id }, orderBy: { timestamp: "asc" } })).map((r) => ({ changes: r.changes, notes: r.notes }));
async function until(fn: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  while (!(await fn())) {
    if (Date.now() - started > timeoutMs) throw new Error("until: timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
}

describe("deploys and crashes", () => {
  it("a replica stopped mid-generation hands the record back, and another replica completes it at once: never left GENERATING", async () => {
    const a = await replica();
    ai.enqueue({ delayMs: 60_000 }); // the stopping replica's Claude call would take a minute
    await answerTo(h, (await h.command("USTAFF", "deliverable Race Co guidelines")).responseUrl);
    const [d] = (await byUser("USTAFF")).slice(-1);
    await until(async () => (await record(d!.id)).status === "GENERATING");
    const b = await replica();

    const stopping = Date.now();
    await a.stop({ graceMs: 10_000 });
    expect(Date.now() - stopping).toBeLessThan(3_000); // it did not sit out Claude's minute
    const waited = await until(async () => (await record(d!.id)).status === "COMPLETED");
    expect(waited).toBeLessThan(5_000); // taken at once, not after a stale window

    expect((await trail(d!.id)).map((t) => t.changes)).toEqual([
      expect.objectContaining({ status: "PENDING" }),
      { status: { from: "PENDING", to: "GENERATING" } },
      { status: { from: "GENERATING", to: "PENDING" } },
      { status: { from: "PENDING", to: "GENERATING" } },
      expect.objectContaining({ status: { from: "GENERATING", to: "COMPLETED" } }),
    ]);
    expect((await trail(d!.id))[2]!.notes).toMatch(/handed back: the bot stopped while Claude was writing/);
    // The handed-back attempt does not count against the job's attempts.
    await until(async () => (await h.tdb.db.job.findFirstOrThrow({ where: { kind: GENERATE_JOB, dedupeKey: d!.id } })).status === "done");
    expect(await h.tdb.db.job.findFirstOrThrow({ where: { kind: GENERATE_JOB, dedupeKey: d!.id } })).toMatchObject({
      status: "done",
      attempts: 1,
      owner: b.jobs.owner,
    });
    await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && JSON.stringify(c.args.blocks ?? "").includes(d!.id));
  });

  it("a replica that died mid-generation: its job is taken over within seconds and the record restarted", async () => {
    const actor = await h.bot.deps.identity.resolve("USTAFF", TEAM);
    const req = await h.bot.services.deliverables.request({ creatorId, type: "launch-plan" }, actor);
    // The dead replica had claimed the job and started writing; then its process vanished.
    const [claimed] = await createJobStore(h.tdb.db).claim("dead-replica", [{ kind: GENERATE_JOB, limit: 10 }], 60_000);
    expect(claimed?.payload.deliverableId).toBe(req.id);
    await h.tdb.db.aiDeliverable.update({ where: { id: req.id }, data: { status: "GENERATING" } });

    await replica({ staleAfterMs: 1_500, heartbeatMs: 300 });
    const waited = await until(async () => (await record(req.id)).status === "COMPLETED");
    expect(waited).toBeLessThan(6_000);
    const t = await trail(req.id);
    expect(t.at(-2)).toEqual({
      changes: { status: { from: "GENERATING", to: "GENERATING" } },
      notes: "restarted: the replica writing it stopped before it finished",
    });
    await until(async () => (await h.tdb.db.job.findFirstOrThrow({ where: { kind: GENERATE_JOB, dedupeKey: req.id } })).status === "done");
    expect(await h.tdb.db.job.findFirstOrThrow({ where: { kind: GENERATE_JOB, dedupeKey: req.id } })).toMatchObject({ status: "done", attempts: 2 });
  });
});
