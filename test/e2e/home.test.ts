import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { daysAgo, seedCreator, waitUntil } from "../helpers/creators.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", UADMIN2: "admin" });
});
afterAll(async () => {
  await h?.close();
});

type View = {
  type: string;
  blocks: {
    type: string;
    block_id?: string;
    text?: { text: string };
    elements?: { action_id?: string; value?: string; text?: unknown }[];
    accessory?: { action_id: string; value: string };
  }[];
};

async function openHome(user: string, tab = "home"): Promise<View | null> {
  const from = h.slack.calls.length;
  await h.event(user, { type: "app_home_opened", tab, channel: "D0HOME" });
  if (tab !== "home") {
    await new Promise((r) => setTimeout(r, 300));
    return (h.slack.calls.slice(from).find((c) => c.method === "views.publish" && c.args.user_id === user)?.args.view as View) ?? null;
  }
  const call = await h.slack.waitFor(() => h.slack.calls.slice(from).find((c) => c.method === "views.publish" && c.args.user_id === user));
  return call.args.view as View;
}

const today = new Date().toISOString().slice(0, 10);

describe("App Home", () => {
  let red: { id: string };
  let pendingId: string;
  let ownId: string;
  beforeAll(async () => {
    red = await seedCreator(h, { brandName: "Home Red", creatorName: "Rae", healthScore: "RED", lastContactedDate: daysAgo(40), journeyStatus: "LIVE" });
    await seedCreator(h, { brandName: "Home Yellow", healthScore: "YELLOW", lastContactedDate: daysAgo(20), journeyStatus: "LAUNCH" });
    await seedCreator(h, { brandName: "Home Green", journeyStatus: "ONBOARDING" });
    await seedCreator(h, { brandName: "Home Due", nextFollowUpDate: new Date(`${today}T00:00:00.000Z`) });
    await seedCreator(h, { brandName: "Home Archived Red", healthScore: "RED", isActive: false, nextFollowUpDate: new Date(`${today}T00:00:00.000Z`) });
    const cred = await h.tdb.db.creatorCredential.create({
      data: { creatorId: red.id, platformName: "TikTok", accountIdentifier: "homered", password: h.bot.deps.fernet.encrypt("pw-secret") },
    });
    await h.command("USTAFF", "help");
    await h.command("UADMIN2", "help");
    const sam = await waitUntil(() => h.tdb.db.authUser.findFirst({ where: { email: "sam@studio.test" } }));
    const alan = await waitUntil(() => h.tdb.db.authUser.findFirst({ where: { email: "alan@studio.test" } }));
    pendingId = (
      await h.tdb.db.revealRequest.create({
        data: {
          credentialId: cred.id,
          requesterId: sam.id,
          requesterSlackId: "USTAFF",
          reason: "Post the <!channel> launch video",
          status: "PENDING",
          createdAt: new Date(Date.now() - 3 * 3600_000),
        },
      })
    ).id;
    ownId = (
      await h.tdb.db.revealRequest.create({
        data: { credentialId: cred.id, requesterId: alan.id, requesterSlackId: "UADMIN2", reason: "Rotate it", status: "PENDING" },
      })
    ).id;
    await h.tdb.db.revealRequest.create({ data: { credentialId: cred.id, requesterId: sam.id, requesterSlackId: "USTAFF", reason: "old", status: "DENIED" } });
  });

  it("publishes the staff dashboard: counts, RED and YELLOW with reasons, follow-ups due today; no reveal requests", async () => {
    const view = await openHome("USTAFF");
    expect(view!.type).toBe("home");
    const s = JSON.stringify(view);
    expect(s).toMatch(/RED 1 .*YELLOW 1 .*GREEN 2/);
    expect(s).toContain("Onboarding 1 · Brand building 0 · Launch 1 · Live 2");
    expect(s).toContain("Needs attention (2)");
    expect(s.indexOf("Home Red")).toBeLessThan(s.indexOf("Home Yellow"));
    expect(s).toContain("no contact for 40 days");
    expect(s).toContain("Follow-ups due today (1)");
    expect(s).toContain("Home Due");
    expect(s).not.toContain("Home Archived Red");
    expect(s).not.toContain("reveal");
    const open = view!.blocks.find((b) => b.accessory?.value === red.id)!;
    expect(open.accessory!.action_id).toBe("creator_open");
    expect(view!.blocks.length).toBeLessThanOrEqual(100);
    await waitUntil(() => h.tdb.db.auditLog.findFirst({ where: { slackUserId: "USTAFF", targetModel: "AppHome", actionType: "VIEW" } }));
  });

  it("shows admins the pending reveal requests with Approve/Deny (value = request id), never on their own", async () => {
    const view = await openHome("UADMIN2");
    const s = JSON.stringify(view);
    expect(s).toContain("Pending reveal requests (2)");
    expect(s).toContain("<@USTAFF> asks to reveal *TikTok* / homered of *Home Red*");
    expect(s).toMatch(/· 3 h ago/);
    expect(s).toContain("&lt;!channel&gt;");
    expect(s).not.toContain("<!channel>");
    expect(s).not.toContain("pw-secret");
    const actions = view!.blocks.filter((b) => b.type === "actions" && b.block_id?.startsWith("home_reveal_actions_"));
    expect(actions).toHaveLength(1);
    expect(actions[0]!.elements!.map((e) => [e.action_id, e.value])).toEqual([
      ["reveal_approve", pendingId],
      ["reveal_deny", pendingId],
    ]);
    expect(s).toContain("Your own request: another admin decides it.");
    expect(s).not.toContain(`"value":"${ownId}"`);
  });

  it("refreshes on each open", async () => {
    await seedCreator(h, { brandName: "Home Red Two", healthScore: "RED", lastContactedDate: daysAgo(35) });
    const view = await openHome("USTAFF");
    expect(JSON.stringify(view)).toContain("Needs attention (3)");
  });

  it("gives users without a role a short 'ask an admin for access' home", async () => {
    const view = await openHome("UNOBODY");
    const s = JSON.stringify(view);
    expect(s).toMatch(/Ask an admin for access/);
    expect(s).not.toContain("Home Red");
  });

  it("ignores the Messages tab", async () => {
    expect(await openHome("USTAFF", "messages")).toBeNull();
  });

  it("stays within 100 blocks with many urgent creators and says how many more", async () => {
    for (let i = 0; i < 60; i++) await seedCreator(h, { brandName: `Bulk Red ${i}`, healthScore: "RED", lastContactedDate: daysAgo(31 + i) });
    for (let i = 0; i < 25; i++) await seedCreator(h, { brandName: `Bulk Due ${i}`, nextFollowUpDate: new Date(`${today}T00:00:00.000Z`) });
    const view = await openHome("UADMIN");
    expect(view!.blocks.length).toBeLessThanOrEqual(100);
    const s = JSON.stringify(view);
    expect(s).toContain("Needs attention (63)");
    expect(s).toContain("…and 43 more");
    expect(s).toContain("Follow-ups due today (26)");
    expect(s).toContain("…and 16 more");
    for (const b of view!.blocks) if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
  });
});
