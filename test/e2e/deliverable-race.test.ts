import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { FakeAnthropic } from "../helpers/fake-anthropic.js";

// The cap of three open deliverables per person, under concurrency, through signed requests.

let h: Harness;
let ai: FakeAnthropic;

beforeAll(async () => {
  ai = await new FakeAnthropic().start();
  // Every answer takes a second: all eight requests arrive while the first ones are still open.
  ai.defaultReply = { text: "# Race report\n\n- ok", delayMs: 1_000 };
  h = await startHarness({ ANTHROPIC_API_KEY: "test-anthropic-key-race-0123456789", ANTHROPIC_BASE_URL: ai.url });
  await grantRoles(h, { USTAFF2: "staff" });
  await h.tdb.db.creator.create({
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
});
afterAll(async () => {
  await h?.close();
  await ai?.stop();
});

describe("limits under concurrency", () => {
  it("race: eight simultaneous `/wl deliverable` requests from one user make three records and three Claude calls", async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, async () => answerTo(h, (await h.command("USTAFF2", "deliverable Race Co report")).responseUrl, 15_000)),
    );
    const texts = answers.map((a) => String(a.text));
    expect(texts.filter((t) => /Working on it/.test(t))).toHaveLength(3);
    expect(texts.filter((t) => /already have 3 deliverables being written/.test(t))).toHaveLength(5);
    const u = await h.tdb.db.slackUser.findUniqueOrThrow({ where: { slackUserId: "USTAFF2" } });
    const mine = () => h.tdb.db.aiDeliverable.findMany({ where: { createdById: u.userId } });
    expect(await mine()).toHaveLength(3);
    for (let i = 0; i < 400 && !(await mine()).every((d) => d.status === "COMPLETED"); i++) await new Promise((r) => setTimeout(r, 50));
    expect((await mine()).map((d) => d.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(ai.requests).toHaveLength(3);
  });
});
