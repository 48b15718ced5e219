import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { seedCreator } from "../helpers/creators.js";

// Rough edges a new user met in the first hour (issue 17), through signed requests to the real bot.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff" });
});
afterAll(async () => {
  await h?.close();
});

describe("first-hour wording", () => {
  it("/wl find: “1 creator matches”, “2 creators match”, and each handle says its platform", async () => {
    await seedCreator(h, { brandName: "Solo Wording", instagramHandle: "@solo", tiktokHandle: "@solotok", twitterHandle: "@solox" });
    await seedCreator(h, { brandName: "Pair Wording A" });
    await seedCreator(h, { brandName: "Pair Wording B" });
    const one = await answerTo(h, (await h.command("USTAFF", "find Solo Wording")).responseUrl);
    expect(String(one.text)).toMatch(/^1 creator matches “Solo Wording”/);
    expect(JSON.stringify(one.blocks)).toContain("Instagram @solo · TikTok @solotok · X (Twitter) @solox");
    const two = await answerTo(h, (await h.command("USTAFF", "find Pair Wording")).responseUrl);
    expect(String(two.text)).toMatch(/^2 creators match “Pair Wording”/);
  });

  it("the App Home's Open shows the card over the Home tab (a modal), not silently in Messages", async () => {
    const c = await seedCreator(h, { brandName: "Home Open Co", creatorName: "Hana Home" });
    const from = h.slack.calls.length;
    // As Slack sends a Home tab button: a view container, no channel, no response_url.
    await h.action(
      "USTAFF",
      { action_id: "creator_open", value: c.id },
      {
        container: { type: "view", view_id: "VHOME1" },
        view: { id: "VHOME1", type: "home", callback_id: "", private_metadata: "", blocks: [], state: { values: {} } },
        response_url: undefined,
        channel: undefined,
      },
    );
    const shown = await h.slack.waitFor(() =>
      h.slack.calls
        .slice(from)
        .find((x) => (x.method === "views.update" || x.method === "views.open") && JSON.stringify(x.args.view).includes("Home Open Co — Hana Home")),
    );
    const view = shown.args.view as { type: string; title: { text: string }; blocks: { type: string }[] };
    expect(view.type).toBe("modal");
    expect(view.title.text).toBe("Creator");
    expect(view.blocks.some((b) => b.type === "actions")).toBe(true); // the card's buttons come along
    expect(h.slack.calls.slice(from).filter((x) => x.method === "chat.postMessage" && JSON.stringify(x.args).includes("Home Open Co"))).toHaveLength(0);
    // Audited as a view of the creator, as from anywhere else.
    for (let i = 0; i < 100 && !(await h.tdb.db.auditLog.count({ where: { targetId: c.id, actionType: "VIEW", notes: "card shown" } })); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await h.tdb.db.auditLog.count({ where: { targetId: c.id, actionType: "VIEW", notes: "card shown" } })).toBe(1);
  });
});
