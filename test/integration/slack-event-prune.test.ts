import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { featureSchedules } from "../../src/features/index.js";
import { pruneSlackEvents } from "../../src/features/housekeeping/slack-event-prune.js";
import { startHarness, type Harness } from "../helpers/bot-harness.js";

// wl_slack_event grew for ever: it only needs an event id for as long as Slack may redeliver
// the event (minutes). A schedule prunes ids older than an hour.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const NOW = new Date("2026-12-04T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

async function seedEvents(rows: [string, Date][]): Promise<void> {
  await h.tdb.db.slackEvent.deleteMany();
  await h.tdb.db.slackEvent.createMany({ data: rows.map(([eventId, receivedAt]) => ({ eventId, receivedAt })) });
}
const remaining = async () => (await h.tdb.db.slackEvent.findMany({ orderBy: { eventId: "asc" } })).map((e) => e.eventId);

describe("pruning wl_slack_event", () => {
  it("the bot's schedules include the prune, and running it deletes ids older than an hour, keeping recent ones", async () => {
    await seedEvents([
      ["EvDAY", minutesAgo(24 * 60)],
      ["EvHOUR", minutesAgo(61)],
      ["EvRECENT", minutesAgo(59)],
      ["EvNOW", NOW],
    ]);
    h.clock.set(NOW);
    const prune = featureSchedules(h.bot.deps, h.bot.services).find((s) => s.name === "slack-event-prune");
    expect(prune).toMatchObject({ cron: "*/10 * * * *", tz: "UTC" });
    await prune!.run(NOW);
    expect(await remaining()).toEqual(["EvNOW", "EvRECENT"]);
  });

  it("works through a large backlog in batches", async () => {
    await seedEvents([...Array.from({ length: 7 }, (_, i): [string, Date] => [`EvOLD${i}`, minutesAgo(120 + i)]), ["EvKEEP", minutesAgo(5)]]);
    expect(await pruneSlackEvents(h.tdb.db, NOW, { batchSize: 3 })).toBe(7);
    expect(await remaining()).toEqual(["EvKEEP"]);
    expect(await pruneSlackEvents(h.tdb.db, NOW, { batchSize: 3 })).toBe(0);
  });

  it("a redelivery within the hour is still handled once after a prune", async () => {
    h.clock.set(new Date());
    await h.tdb.db.slackEvent.deleteMany();
    const eventId = "EvPRUNEDUP";
    await h.event("UADMIN", { type: "app_home_opened", tab: "home", channel: "D1" }, { eventId });
    await h.slack.waitForCall("views.publish", (c) => c.args.user_id === "UADMIN");
    await pruneSlackEvents(h.tdb.db, new Date());
    await h.event("UADMIN", { type: "app_home_opened", tab: "home", channel: "D1" }, { eventId, retryNum: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.callsTo("views.publish").filter((c) => c.args.user_id === "UADMIN")).toHaveLength(1);
    expect(await remaining()).toEqual([eventId]);
  });
});
