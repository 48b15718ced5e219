import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { startHarness, type Harness } from "../helpers/bot-harness.js";
import { FakeAnthropic, type FakeBlock } from "../helpers/fake-anthropic.js";
import { seedCreator } from "../helpers/creators.js";
import { createAskService } from "../../src/features/ask/ask-service.js";
import { createClaudeChat } from "../../src/features/ask/ask-claude.js";
import type { AskLimits } from "../../src/features/ask/ask-limits.js";
import { createDb, type Db } from "../../src/db.js";

// The ask service over real Postgres (as the bot's limited role) and the fake Anthropic, with
// limits small enough to reach in a test: the deadline, the token budget, the per-person cap
// and the sweep that tells an asker their question lost its process.

let h: Harness;
let ai: FakeAnthropic;
const MINUTE = 60_000;

const tool = (name: string, input: unknown): FakeBlock => ({ type: "tool_use", name, input });

/** Another instance of the service on the same database: a second replica, or tighter limits. */
function service(limits: Partial<AskLimits> = {}, db: Db = h.bot.deps.db) {
  const { deps } = h.bot;
  return createAskService({
    db,
    health: deps.health,
    chat: createClaudeChat({ apiKey: "test-key-ask-service", baseUrl: ai.url, logger: deps.logger, timeoutMs: 5_000, maxRetries: 0 }),
    model: "claude-sonnet-5-5",
    tz: "UTC",
    clock: h.clock,
    logger: deps.logger,
    slack: deps.client,
    limits,
  });
}

beforeAll(async () => {
  ai = await new FakeAnthropic().start();
  h = await startHarness({ ANTHROPIC_API_KEY: "test-key-ask-service", ANTHROPIC_BASE_URL: ai.url });
  await seedCreator(h, { brandName: "Glow Co", journeyStatus: "LAUNCH" });
});
afterAll(async () => {
  await h?.close();
  await ai?.stop();
});
beforeEach(async () => {
  ai.reset();
  h.clock.set(new Date());
  await h.tdb.db.askRun.deleteMany();
});

describe("ask: the bounds of one question", () => {
  it("a Claude that does not answer hits the question's deadline: a timeout result, the tools already used kept, the run done", async () => {
    const ask = service({ deadlineMs: 800 });
    ai.enqueue({ content: [tool("find_creators", { text: "glow" })] }, { delayMs: 5_000 });
    const id = (await ask.begin("who is glow?", { slackUserId: "USTAFF" } as never))!;
    const started = Date.now();
    const { run } = await ask.answer(id, "who is glow?");
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(run).toMatchObject({ kind: "failed", failure: "timeout", message: "Claude did not finish answering within 1 second." });
    expect(run.calls).toEqual([{ name: "find_creators", args: 'text="glow"', ok: true }]);
    expect(await h.tdb.db.askRun.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "DONE" });
  });

  it("a stream that stalls after it started hits the deadline too", async () => {
    const ask = service({ deadlineMs: 800 });
    ai.enqueue({ text: "Glow Co is", stallMs: 5_000 });
    const id = (await ask.begin("stall", { slackUserId: "USTAFF" } as never))!;
    const { run } = await ask.answer(id, "stall");
    expect(run).toMatchObject({ kind: "failed", failure: "timeout" });
  });

  it("the token budget stops the loop before another turn", async () => {
    const ask = service({ tokenBudget: 10 });
    ai.enqueue({ content: [tool("find_creators", { text: "glow" })] }, { text: "never sent" });
    const id = (await ask.begin("budget", { slackUserId: "USTAFF" } as never))!;
    const { run } = await ask.answer(id, "budget");
    expect(run).toMatchObject({ kind: "exhausted", reason: "tokens" });
    expect(ai.requests).toHaveLength(1);
  });

  it("a tool result larger than the cap is cut to whole rows, and only the creators left in it count as returned", async () => {
    for (let i = 0; i < 30; i++) await seedCreator(h, { brandName: `Capped Brand ${String(i).padStart(2, "0")}`, journeyStatus: "ONBOARDING" });
    const ask = service({ toolResultMaxChars: 1_500 });
    ai.enqueue({ content: [tool("find_creators", { text: "capped brand" })] }, { text: "Capped Brand 00 and Capped Brand 24." });
    const id = (await ask.begin("capped", { slackUserId: "USTAFF" } as never))!;
    const { run, cited } = await ask.answer(id, "capped");
    const result = ai.toolResults(1)[0]!;
    expect(result.content.length).toBeLessThanOrEqual(1_500);
    const data = JSON.parse(result.content) as { total: number; truncated: boolean; creators: { id: string; brand_name: string }[] };
    expect(data).toMatchObject({ total: 30, truncated: true });
    expect(data.creators.length).toBeLessThan(25);
    expect([...run.seen.keys()].sort()).toEqual(data.creators.map((c) => c.id).sort());
    // Brand 24 was dropped from what the model read: it gets no Open button.
    expect(cited.map((c) => c.brandName)).toEqual(["Capped Brand 00"]);
  });
});

describe("ask: questions in flight", () => {
  it("race: five asks at once by one person start at most two; someone else still can", async () => {
    // A pool wide enough that the five transactions really run at once.
    const wide = createDb(h.tdb.appUrl, { max: 8 });
    try {
      const racing = service({}, wide);
      const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => racing.begin(`q${i}`, { slackUserId: "URACER" } as never)));
      expect(ids.filter(Boolean)).toHaveLength(2);
    } finally {
      await wide.$disconnect();
    }
    const ask = service();
    expect(await ask.begin("mine", { slackUserId: "UOTHER" } as never)).toBeTruthy();
    // A question that lost its process long ago does not hold a slot.
    h.clock.set(new Date(Date.now() + 10 * MINUTE));
    expect(await ask.begin("later", { slackUserId: "URACER" } as never)).toBeTruthy();
  });

  it("race: two replicas sweeping a question whose process died tell the asker once, by DM", async () => {
    // Two replicas: two services, each with its own pool.
    const other = createDb(h.tdb.appUrl, { max: 4 });
    onTestFinished(() => other.$disconnect());
    await other.$queryRaw`SELECT 1`; // connected, so both sweeps really start together
    const [a, b] = [service(), service({}, other)];
    h.clock.set(new Date(Date.now() - 10 * MINUTE));
    const lost = (await a.begin("which <!channel> creators are red?", { slackUserId: "USTAFF" } as never))!;
    const done = (await a.begin("finished one", { slackUserId: "USTAFF2" } as never))!;
    await a.begin("still thinking", { slackUserId: "UMANAGER" } as never).then(() => undefined);
    await h.tdb.db.askRun.update({ where: { id: done }, data: { status: "DONE", finishedAt: h.clock.now() } });
    h.clock.set(new Date(Date.now() - 1 * MINUTE));
    const fresh = (await a.begin("fresh", { slackUserId: "UADMIN" } as never))!;
    h.clock.set(new Date());
    const from = h.slack.calls.length;

    const [na, nb] = await Promise.all([a.sweepInterrupted(), b.sweepInterrupted()]);
    // The lost one and the manager's (both 10 minutes old); not the finished nor the fresh one.
    expect(na + nb).toBe(2);
    const dms = h.slack.calls.slice(from).filter((c) => c.method === "chat.postMessage");
    expect(dms.map((c) => c.args.channel).sort()).toEqual(["UMANAGER", "USTAFF"]);
    const text = String(dms.find((c) => c.args.channel === "USTAFF")!.args.text);
    expect(text).toMatch(/Your question “which &lt;!channel&gt; creators are red\?” \(asked at \d\d:\d\d UTC\) was interrupted/);
    expect(await h.tdb.db.askRun.findUniqueOrThrow({ where: { id: lost } })).toMatchObject({ status: "INTERRUPTED" });
    expect(await h.tdb.db.askRun.findUniqueOrThrow({ where: { id: fresh } })).toMatchObject({ status: "RUNNING" });
    expect(await a.sweepInterrupted()).toBe(0);

    // A run the sweep gave up on still finishes quietly if its process was only slow.
    expect(await h.tdb.db.askRun.updateMany({ where: { id: lost, status: "RUNNING" }, data: { status: "DONE" } })).toEqual({ count: 0 });

    // Finished rows are forgotten after a day.
    h.clock.set(new Date(Date.now() + 25 * 60 * MINUTE));
    await a.sweepInterrupted();
    expect(await h.tdb.db.askRun.count({ where: { id: { in: [lost, done] } } })).toBe(0);
  });
});
