import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { FakeAnthropic } from "../helpers/fake-anthropic.js";
import { captureLogger } from "../helpers/logs.js";
import type { Call } from "../helpers/fake-slack.js";
import { startBot, type RunningBot } from "../../src/bot.js";
import { GENERATE_JOB } from "../../src/features/deliverables/deliverable-service.js";

// A deliverable's progress, shown in place: one DM message the bot posts when Claude starts and
// rewrites (chat.update) while Claude streams, at most every 3 s by the bot's clock, then "Done".
// The fake Anthropic streams real SSE, paced by the test; replicas share one database.

let h: Harness;
let ai: FakeAnthropic;
const replicas: RunningBot[] = [];

beforeAll(async () => {
  ai = await new FakeAnthropic().start();
  h = await startHarness({ ANTHROPIC_API_KEY: "test-anthropic-key-progress-0123456789", ANTHROPIC_BASE_URL: ai.url }, { jobs: { start: false } });
  await grantRoles(h, { USTAFF: "staff" });
  await h.tdb.db.creator.create({
    data: {
      creatorName: "Pia Pace",
      creatorEmail: "pia@pace.test",
      brandName: "Pace Co",
      brandNiche: "Running",
      journeyStatus: "ONBOARDING",
      healthScore: "GREEN",
      lastStatusChange: new Date(),
    },
  });
});
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.stop({ graceMs: 3_000 })));
});
afterAll(async () => {
  await h?.close();
  await ai?.stop();
});

async function replica(): Promise<RunningBot> {
  const r = await startBot(h.config, captureLogger().logger, { host: "127.0.0.1", clock: h.clock, schedules: false, jobs: { pollMs: 100, heartbeatMs: 300 } });
  replicas.push(r);
  return r;
}
async function until(fn: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error("until: timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
const textOf = (c: Call) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? "")}`;
const progressPosts = () => h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "USTAFF" && /Working on it/.test(textOf(c)));

/** A gate per streamed piece: the test sees the stream reach it, then lets it through. */
function pacer() {
  const reached: number[] = [];
  const opens = new Map<number, () => void>();
  const gates = new Map<number, Promise<void>>();
  const gate = (i: number) => {
    if (!gates.has(i)) gates.set(i, new Promise<void>((r) => opens.set(i, r)));
    return gates.get(i)!;
  };
  return {
    beforeChunk: async (i: number) => {
      reached.push(i);
      await gate(i);
    },
    reachedAt: (i: number) => until(() => reached.includes(i)),
    open: (i: number) => {
      void gate(i);
      opens.get(i)!();
    },
  };
}

describe("deliverable progress in place", () => {
  it("one DM message shows Claude's progress, rewritten in place while it streams (at most every 3 s), then says done; the document has no doubled title", async () => {
    h.slack.reset();
    const t0 = Date.now();
    h.clock.set(new Date(t0));
    await replica();
    const pace = pacer();
    const body =
      "# Brand report: Pace Co\n\n## Snapshot\nPace Co sells running gear to weekend runners.\n\n## Next steps\n- Book the shoot.\n- Draft the launch email.";
    ai.enqueue({ text: body, chunkChars: 30, beforeChunk: pace.beforeChunk });

    const { responseUrl } = await h.command("USTAFF", "deliverable Pace Co report");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/Working on it.*progress in your DM/);

    // Claude is starting: one message in the DM, the one every later update rewrites.
    await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && /Working on it/.test(textOf(c)));
    await pace.reachedAt(1);
    h.clock.set(new Date(t0 + 1_000)); // under 3 s since the first message: no update yet
    pace.open(1);
    await pace.reachedAt(2);
    h.clock.set(new Date(t0 + 4_000)); // past 3 s: the next piece rewrites the message
    pace.open(2);
    const writing = await h.slack.waitForCall("chat.update", (c) => /Claude is writing/.test(textOf(c)));
    expect(String(writing.args.text)).toMatch(/Claude is writing the \*Brand report\* for \*Pace Co\*: \d+ characters(, \d+ sections?)? so far/);
    expect(JSON.stringify(writing.args.blocks)).toContain("Brand report: Pace Co"); // the first lines, as a preview

    h.clock.set(new Date(t0 + 5_000));
    for (let i = 3; i * 30 < body.length; i++) pace.open(i);
    const done = await h.slack.waitForCall("chat.update", (c) => /Done: the \*Brand report\* for \*Pace Co\*/.test(textOf(c)));
    expect(String(done.args.text)).toMatch(/\d+ characters, 3 sections\) is below/);

    // Every rewrite targets the one message; the clock allowed one "writing" update (at +4 s).
    const updates = h.slack.callsTo("chat.update");
    expect(progressPosts()).toHaveLength(1);
    expect(new Set(updates.map((u) => `${String(u.args.channel)}/${String(u.args.ts)}`)).size).toBe(1);
    expect(updates.filter((u) => /Claude is writing/.test(textOf(u)))).toHaveLength(1);

    // The document: its header is the title; the model's own "# Brand report: Pace Co" is not repeated under it.
    const doc = await h.slack.waitForCall("chat.postMessage", (c) => JSON.stringify(c.args.blocks ?? "").includes('"type":"header"'));
    const blocks = doc.args.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]!.text!.text).toBe("Brand report: Pace Co");
    expect(blocks[1]!.text!.text).toMatch(/^\*Snapshot\*/);
    expect(JSON.stringify(blocks)).not.toMatch(/\*Brand report: Pace Co\*/);
  });

  it("a replica that takes the job over keeps updating the same progress message (kept in the job's row), never posts a second one", async () => {
    h.slack.reset();
    h.clock.set(new Date());
    const a = await replica();
    ai.enqueue({ text: "# Launch plan\n\nWeek 1: teasers.", stallMs: 60_000 }); // replica a's Claude stalls mid-stream
    await answerTo(h, (await h.command("USTAFF", "deliverable Pace Co launch-plan")).responseUrl);
    const posted = await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && /Working on it/.test(textOf(c)));
    const job = () => h.tdb.db.job.findFirstOrThrow({ where: { kind: GENERATE_JOB }, orderBy: { createdAt: "desc" } });
    await until(async () => (await job()).progress !== null);
    const stored = (await job()).progress as { channel: string; ts: string };
    expect(stored.channel).toBe("USTAFF");
    expect(stored.ts).toMatch(/^\d+\.\d+$/);

    const b = await replica();
    await a.stop({ graceMs: 5_000 }); // hands the job back; b takes it
    await h.slack.waitForCall("chat.update", (c) => /Done: the \*Launch plan\*/.test(textOf(c)));
    expect((await job()).owner).toBe(b.jobs.owner);

    expect(progressPosts()).toHaveLength(1);
    expect(posted.args.channel).toBe("USTAFF");
    const updates = h.slack.callsTo("chat.update");
    expect(updates.length).toBeGreaterThanOrEqual(2); // "starting again", then "Done"
    for (const u of updates) expect({ channel: u.args.channel, ts: u.args.ts }).toEqual(stored);
    expect(textOf(updates[0]!)).toMatch(/starting again/);
  });
});
