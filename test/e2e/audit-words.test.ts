import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { seedCreator } from "../helpers/creators.js";

// The audit trail read by a manager, through signed requests to the real bot.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager" });
});
afterAll(async () => {
  await h?.close();
});

describe("the audit trail in words", () => {
  it("`/wl audit <creator>` says what happened in words (viewed the card, opened a form, changed a field), not VIEW and internal labels", async () => {
    const c = await seedCreator(h, { brandName: "Trail Co", creatorName: "Tia Trail" });
    await answerTo(h, (await h.command("USTAFF", "show Trail Co")).responseUrl);
    await h.action("USTAFF", { action_id: "milestone_add", value: c.id });
    await h.slack.waitForCall("views.open");
    await answerTo(h, (await h.command("USTAFF", "status Trail Co launch")).responseUrl);
    // The Add milestone row is written when the form opens; wait for it before reading the trail.
    for (let i = 0; i < 200 && (await h.tdb.db.auditLog.count({ where: { targetId: c.id } })) < 3; i++) await new Promise((r) => setTimeout(r, 20));
    const a = await answerTo(h, (await h.command("UMANAGER", "audit Trail Co")).responseUrl);
    const lines = (a.blocks as { type: string; text?: { text: string } }[])
      .filter((b) => b.type === "section")
      .map((b) => b.text!.text)
      .join("\n")
      .split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ · sam@studio\.test · Changed creator “Trail Co \(Tia Trail\)” · journey_status: LIVE → LAUNCH$/);
    expect(lines[1]).toMatch(/ · sam@studio\.test · Opened the Add milestone form for “Trail Co \(Tia Trail\)”$/);
    expect(lines[2]).toMatch(/ · sam@studio\.test · Viewed the card of “Trail Co \(Tia Trail\)”$/);
    for (const l of lines) expect(l).not.toMatch(/ · (VIEW|UPDATE|CREATE) · |milestone_add|card shown/);
  });
});
