import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { daysAgo, openedModal, seedCreator } from "../helpers/creators.js";

// Stored enum values (`BRAND_BUILDING`) are shown as words ("Brand building") on every surface,
// through signed requests to the real bot; selects keep the stored value as the option value.

let h: Harness;
let id: string;
const RAW = /BRAND_BUILDING/;

beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager" });
  // In the same stage for 60 days with a follow-up 10 days overdue: RED, in the digest.
  const c = await seedCreator(h, {
    brandName: "Label Co",
    creatorName: "Lee Label",
    journeyStatus: "BRAND_BUILDING",
    healthScore: "RED",
    lastStatusChange: daysAgo(60),
    nextFollowUpDate: daysAgo(10),
  });
  id = c.id;
  await h.tdb.db.milestone.create({ data: { creatorId: id, title: "Moodboard", relatedJourneyStage: "BRAND_BUILDING" } });
});
afterAll(async () => {
  await h?.close();
});

const shown = async (user: string, command: string) => JSON.stringify(await answerTo(h, (await h.command(user, command)).responseUrl));

describe("journey statuses in words", () => {
  it("the card, /wl find, /wl list (its filter too), /wl milestones and the digest say “Brand building”, never BRAND_BUILDING", async () => {
    const card = await shown("USTAFF", "show Label Co");
    expect(card).toContain("*Journey status*\\nBrand building");
    expect(card).toContain("in brand building for 60 days"); // the health reason too
    expect(card).not.toMatch(RAW);

    const found = await shown("USTAFF", "find Label");
    expect(found).toContain("Brand building · ");
    expect(found).not.toMatch(RAW);

    const list = await shown("USTAFF", "list brand-building");
    expect(list).toContain("Active creators (Brand building");
    // (The Next button's value keeps the stored filter; what people read does not.)
    const listed = JSON.parse(list) as { blocks: { type: string; text?: { text: string } }[] };
    expect(
      listed.blocks
        .filter((b) => b.type === "section")
        .map((b) => b.text!.text)
        .join("\n"),
    ).not.toMatch(RAW);

    const milestones = await shown("USTAFF", "milestones Label Co");
    expect(milestones).toContain("Brand building");
    expect(milestones).not.toMatch(RAW);

    const digest = await shown("USTAFF", "digest");
    expect(digest).toContain("Label Co");
    expect(digest).toContain("· Brand building ·");
    expect(digest).not.toMatch(RAW);
    expect(digest).not.toContain("`Brand building`"); // not shown as code
  });

  it("the Home tab counts by status in words", async () => {
    const from = h.slack.calls.length;
    await h.event("USTAFF", { type: "app_home_opened", tab: "home", channel: "D0HOME" });
    const call = await h.slack.waitFor(() => h.slack.calls.slice(from).find((c) => c.method === "views.publish"));
    const home = JSON.stringify(call.args.view);
    expect(home).toContain("Brand building 1");
    expect(home).not.toMatch(RAW);
  });

  it("the Status and Add milestone forms show words in their options and keep the stored value; the change is answered in words", async () => {
    let from = h.slack.calls.length;
    await h.action("USTAFF", { action_id: "creator_status", value: id });
    const status = await openedModal(h, from, "creator_status");
    const select = (v: typeof status) =>
      (v.blocks as unknown as { block_id?: string; element?: { options?: { text: { text: string }; value: string }[] } }[]).find((b) =>
        b.element?.options?.some((o) => o.value === "LIVE"),
      )!.element!.options!;
    expect(select(status)).toContainEqual({ text: { type: "plain_text", text: "Brand building" }, value: "BRAND_BUILDING" });
    expect(JSON.stringify(status.blocks)).toContain("*Label Co* is *Brand building* now.");

    from = h.slack.calls.length;
    await h.action("USTAFF", { action_id: "milestone_add", value: id });
    const add = await openedModal(h, from, "milestone_add");
    expect(select(add)).toContainEqual({ text: { type: "plain_text", text: "Launch" }, value: "LAUNCH" });

    const changed = await shown("USTAFF", "status Label Co launch");
    expect(changed).toContain("Status changed: *Brand building* → *Launch*");
    const row = await h.tdb.db.creator.findUniqueOrThrow({ where: { id } });
    expect(row.journeyStatus).toBe("LAUNCH"); // the stored value is unchanged in kind
  });
});
