import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { answerText, daysAgo, formValues, openedModal, seedCreator, waitUntil } from "../helpers/creators.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager" });
});
afterAll(async () => {
  await h?.close();
});

type Block = {
  type: string;
  block_id?: string;
  accessory?: { action_id: string; value: string };
  elements?: { action_id: string; value: string; text: { text: string }; confirm?: Record<string, unknown> }[];
};

describe("/wl status", () => {
  it("changes the status, moves last_status_change, audits {from, to} under the caller and answers with the card", async () => {
    const c = await seedCreator(h, { brandName: "Status Co", creatorName: "Stan", journeyStatus: "ONBOARDING", lastStatusChange: daysAgo(60) });
    const before = Date.now();
    const text = await answerText(h, (await h.command("USTAFF", "status Status Co brand-building")).responseUrl);
    expect(text).toContain("*Onboarding* → *Brand building*");
    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.journeyStatus).toBe("BRAND_BUILDING");
    expect(after.lastStatusChange.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const updates = await h.tdb.db.auditLog.findMany({ where: { targetId: c.id, actionType: "UPDATE" } });
    const row = updates.find((r) => "journey_status" in (r.changes as object))!;
    expect(row.changes).toEqual({ journey_status: { from: "ONBOARDING", to: "BRAND_BUILDING" } });
    expect(row.slackUserId).toBe("USTAFF");
  });

  it("refuses an unknown status with the list of valid ones and changes nothing", async () => {
    const c = await seedCreator(h, { brandName: "Refuse Co", journeyStatus: "LIVE" });
    const text = await answerText(h, (await h.command("USTAFF", "status Refuse Co DONE")).responseUrl);
    expect(text).toContain("is not a journey status");
    for (const s of ["ONBOARDING", "BRAND_BUILDING", "LAUNCH", "LIVE", "PAUSED", "CLOSED"]) expect(text).toContain(s);
    expect((await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } })).journeyStatus).toBe("LIVE");
    const refusal = await h.tdb.db.auditLog.findFirstOrThrow({ where: { slackUserId: "USTAFF", targetDisplay: "/wl status Refuse Co DONE" } });
    expect(refusal).toMatchObject({ actionType: "VIEW", notes: expect.stringMatching(/^refused/) });
  });

  it("same status: says so and writes no UPDATE", async () => {
    const c = await seedCreator(h, { brandName: "Same Co", journeyStatus: "LIVE" });
    const text = await answerText(h, (await h.command("USTAFF", "status Same Co live")).responseUrl);
    expect(text).toMatch(/Already \*Live\*/);
    expect(await h.tdb.db.auditLog.count({ where: { targetId: c.id, actionType: "UPDATE" } })).toBe(0);
  });

  it("moving to CLOSED asks for a note in a modal; the note is required and lands in the audit row", async () => {
    const c = await seedCreator(h, { brandName: "Closing Co", journeyStatus: "LIVE" });
    const from = h.slack.calls.length;
    const { triggerId } = await h.command("USTAFF", "status Closing Co CLOSED");
    const view = await openedModal(h, from, "creator_status");
    expect(h.slack.calls.slice(from).find((x) => x.method === "views.open")!.args.trigger_id).toBe(triggerId);
    expect(JSON.stringify(view)).toContain('"initial_option"');
    expect(view.blocks.find((b) => b.block_id === "notes")).toMatchObject({ optional: false });
    expect((await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } })).journeyStatus).toBe("LIVE");

    const noNote = await h.submit("USTAFF", {
      callback_id: "creator_status",
      private_metadata: view.private_metadata,
      values: { ...formValues({ journey_status: "CLOSED" }), notes: { notes: { type: "plain_text_input", value: "  " } } },
    });
    expect(noNote.body).toMatchObject({ response_action: "errors", errors: { notes: expect.any(String) } });
    expect((await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } })).journeyStatus).toBe("LIVE");

    const ok = await h.submit("USTAFF", {
      callback_id: "creator_status",
      private_metadata: view.private_metadata,
      values: { ...formValues({ journey_status: "CLOSED" }), notes: { notes: { type: "plain_text_input", value: "Contract ended" } } },
    });
    expect(ok.body).toBeNull();
    expect((await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } })).journeyStatus).toBe("CLOSED");
    const row = await h.tdb.db.auditLog.findFirstOrThrow({ where: { targetId: c.id, actionType: "UPDATE", notes: "Contract ended" } });
    expect(row.changes).toEqual({ journey_status: { from: "LIVE", to: "CLOSED" } });
    await h.slack.waitForCall("chat.postMessage", (x) => x.args.channel === "USTAFF" && JSON.stringify(x.args.blocks ?? "").includes("Closing Co"));
  });

  it("the Status button opens a loading view then the status modal with a status select", async () => {
    const c = await seedCreator(h, { brandName: "Button Co", journeyStatus: "LAUNCH" });
    const from = h.slack.calls.length;
    await h.action("USTAFF", { action_id: "creator_status", value: c.id });
    const open = await h.slack.waitFor(() => h.slack.calls.slice(from).find((x) => x.method === "views.open"));
    expect((open.args.view as { callback_id: string }).callback_id).toBe("loading");
    const view = await openedModal(h, from, "creator_status");
    expect(view.blocks.map((b) => b.block_id)).toEqual(expect.arrayContaining(["journey_status", "notes"]));
    const res = await h.submit("USTAFF", {
      callback_id: "creator_status",
      private_metadata: view.private_metadata,
      values: formValues({ journey_status: "LIVE" }),
    });
    expect(res.body).toBeNull();
    expect((await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } })).journeyStatus).toBe("LIVE");
  });

  it("a status change recomputes health in the same transaction (PAUSED is not tracked)", async () => {
    const c = await seedCreator(h, { brandName: "Health Co", journeyStatus: "LIVE", healthScore: "RED", lastContactedDate: daysAgo(45) });
    await answerTo(h, (await h.command("USTAFF", "status Health Co PAUSED")).responseUrl);
    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.healthScore).toBe("GREEN");
    expect(await h.tdb.db.auditLog.count({ where: { targetId: c.id, actionType: "UPDATE" } })).toBe(2);
  });
});

describe("archive", () => {
  it("/wl archive answers with a button behind a confirm dialog; clicking archives once, audited", async () => {
    const c = await seedCreator(h, { brandName: "Archive Me", journeyStatus: "LIVE" });
    const a = await answerTo(h, (await h.command("USTAFF", "archive archive me")).responseUrl);
    const btn = (a.blocks as Block[]).find((b) => b.type === "actions")!.elements![0]!;
    expect(btn).toMatchObject({ action_id: "creator_archive", value: c.id, text: { text: "Archive" } });
    expect(btn.confirm).toMatchObject({ title: { text: "Archive creator?" }, confirm: { text: "Archive" }, deny: { text: "Cancel" } });
    expect((await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } })).isActive).toBe(true);

    const first = await answerText(h, (await h.action("USTAFF", { action_id: "creator_archive", value: c.id })).responseUrl);
    expect(first).toMatch(/Archived \*Archive Me/);
    expect((await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } })).isActive).toBe(false);
    const row = await h.tdb.db.auditLog.findFirstOrThrow({ where: { targetId: c.id, actionType: "UPDATE" } });
    expect(row).toMatchObject({ slackUserId: "USTAFF", changes: { is_active: { from: true, to: false } } });

    const second = await answerText(h, (await h.action("USTAFF", { action_id: "creator_archive", value: c.id })).responseUrl);
    expect(second).toMatch(/already archived/);
    expect(await h.tdb.db.auditLog.count({ where: { targetId: c.id, actionType: "UPDATE" } })).toBe(1);
  });

  it("race: two archive clicks at once archive once and audit one UPDATE", async () => {
    const c = await seedCreator(h, { brandName: "Race Archive" });
    await Promise.all([1, 2, 3].map(() => h.action("USTAFF", { action_id: "creator_archive", value: c.id })));
    await waitUntil(async () => (await h.tdb.db.auditLog.count({ where: { targetId: c.id } })) >= 3);
    expect(
      await h.tdb.db.auditLog.count({ where: { targetId: c.id, actionType: "UPDATE", changes: { equals: { is_active: { from: true, to: false } } } } }),
    ).toBe(1);
  });
});

describe("delete (admin only)", () => {
  async function seedFamily(brand: string) {
    const c = await seedCreator(h, { brandName: brand });
    const fernet = h.bot.deps.fernet;
    const cred = await h.tdb.db.creatorCredential.create({
      data: {
        creatorId: c.id,
        platformName: "Instagram Business",
        accountIdentifier: "brand",
        password: fernet.encrypt("hunter2-secret"),
        apiKeys: fernet.encrypt('{"k":"sk-live-123"}'),
      },
    });
    await h.tdb.db.milestone.create({ data: { creatorId: c.id, title: "Launch", relatedJourneyStage: "LAUNCH" } });
    await h.tdb.db.aiDeliverable.create({
      data: { creatorId: c.id, deliverableType: "report", promptUsed: "p", contextData: {}, generatedContent: "g", status: "COMPLETED" },
    });
    const admin = await h.tdb.db.authUser.findFirstOrThrow({ where: { email: "ada@studio.test" } });
    await h.tdb.db.revealRequest.create({
      data: { credentialId: cred.id, requesterId: admin.id, requesterSlackId: "UADMIN", reason: "check", status: "PENDING" },
    });
    return { c, cred };
  }

  it("refuses staff and managers, and deletes nothing", async () => {
    const { c } = await seedFamily("Keep Me");
    for (const user of ["USTAFF", "UMANAGER"]) {
      const text = await answerText(h, (await h.action(user, { action_id: "creator_delete", value: c.id })).responseUrl);
      expect(text).toMatch(/needs the \*admin\* role/);
    }
    expect(await h.tdb.db.creator.count({ where: { id: c.id } })).toBe(1);
    expect(await h.tdb.db.creatorCredential.count({ where: { creatorId: c.id } })).toBe(1);
  });

  it("deletes with everything that cascades, audited as DELETE with the deleted values and the secrets masked", async () => {
    const { c, cred } = await seedFamily("Delete Me");
    const text = await answerText(h, (await h.action("UADMIN", { action_id: "creator_delete", value: c.id })).responseUrl);
    expect(text).toMatch(/Deleted \*Delete Me.*1 credential.*1 milestone.*1 deliverable/);
    expect(await h.tdb.db.creator.count({ where: { id: c.id } })).toBe(0);
    expect(await h.tdb.db.creatorCredential.count({ where: { creatorId: c.id } })).toBe(0);
    expect(await h.tdb.db.milestone.count({ where: { creatorId: c.id } })).toBe(0);
    expect(await h.tdb.db.aiDeliverable.count({ where: { creatorId: c.id } })).toBe(0);
    expect(await h.tdb.db.revealRequest.count({ where: { credentialId: cred.id } })).toBe(0);
    const row = await h.tdb.db.auditLog.findFirstOrThrow({ where: { targetId: c.id, actionType: "DELETE" } });
    expect(row.slackUserId).toBe("UADMIN");
    const ch = row.changes as { creator: Record<string, unknown>; credentials: Record<string, unknown>[]; milestones: unknown[]; deliverables: unknown[] };
    expect(ch.creator).toMatchObject({ brand_name: "Delete Me", creator_email: c.creatorEmail });
    expect(ch.credentials[0]).toMatchObject({
      platform_name: "Instagram Business",
      password: "[encrypted]",
      api_keys: "[encrypted]",
      login_url: null,
      two_factor_backup_codes: null,
    });
    expect(ch.milestones).toHaveLength(1);
    expect(ch.deliverables).toHaveLength(1);
    const all = JSON.stringify({ changes: row.changes, notes: row.notes, display: row.targetDisplay });
    expect(all).not.toContain("hunter2");
    expect(all).not.toContain(cred.password!);
    expect(all).not.toContain(cred.apiKeys!);
  });

  it("race: two admins deleting at once delete once; the other is told it was already deleted", async () => {
    await grantRoles(h, { UADMIN2: "admin" });
    const { c } = await seedFamily("Race Delete");
    const [a, b] = await Promise.all([
      h.action("UADMIN", { action_id: "creator_delete", value: c.id }),
      h.action("UADMIN2", { action_id: "creator_delete", value: c.id }),
    ]);
    const texts = [await answerText(h, a.responseUrl), await answerText(h, b.responseUrl)];
    expect(texts.filter((t) => /Deleted \*/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /already deleted/.test(t))).toHaveLength(1);
    expect(await h.tdb.db.auditLog.count({ where: { targetId: c.id, actionType: "DELETE" } })).toBe(1);
  });
});

describe("/wl list", () => {
  beforeAll(async () => {
    // A clean slate of active creators for ordering and paging.
    await h.tdb.db.creator.updateMany({ data: { isActive: false } });
    const rows: [string, string, number, number, string[]][] = [
      ["L-green-p1", "GREEN", 1, 5, []],
      ["L-yellow-p2-old", "YELLOW", 2, 90, ["VIP"]],
      ["L-red-p3", "RED", 3, 1, []],
      ["L-yellow-p1", "YELLOW", 1, 1, []],
      ["L-red-p1-new", "RED", 1, 2, ["vip"]],
      ["L-red-p1-old", "RED", 1, 20, []],
      ["L-yellow-p2-new", "YELLOW", 2, 3, []],
    ];
    for (const [brand, health, priority, age, tags] of rows) {
      await seedCreator(h, {
        brandName: brand,
        healthScore: health,
        priorityLevel: priority,
        lastStatusChange: daysAgo(age),
        tags,
        journeyStatus: brand.includes("p2") ? "LAUNCH" : "LIVE",
        lastContactedDate: health === "RED" ? daysAgo(40) : health === "YELLOW" ? daysAgo(20) : daysAgo(0),
      });
    }
    for (let i = 0; i < 18; i++)
      await seedCreator(h, {
        brandName: `L-zz-green-${String(i).padStart(2, "0")}`,
        priorityLevel: 5,
        lastStatusChange: new Date(daysAgo(1).getTime() - (18 - i) * 60_000),
      });
  });

  const brandsOf = (a: Record<string, unknown>) =>
    (a.blocks as Block[]).filter((b) => b.block_id?.startsWith("list_") && b.accessory).map((b) => /\*([^*]+)\*/.exec(JSON.stringify(b))![1]!);

  it("orders RED, YELLOW, GREEN, then priority, then oldest status change; pages with Next and Previous", async () => {
    const { responseUrl } = await h.command("USTAFF", "list");
    const a = await answerTo(h, responseUrl);
    expect(brandsOf(a)).toEqual(
      [
        "L-red-p1-old",
        "L-red-p1-new",
        "L-red-p3",
        "L-yellow-p1",
        "L-yellow-p2-old",
        "L-yellow-p2-new",
        "L-green-p1",
        "L-zz-green-00",
        "L-zz-green-01",
        "L-zz-green-02",
      ].map((b) => b),
    );
    expect(JSON.stringify(a)).toContain("no contact for 40 days");
    const blocks = a.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    const pager = (bs: Block[]) => bs.filter((b) => b.type === "actions" && b.block_id === "list_pages");
    expect(pager(blocks)).toHaveLength(1);
    expect(pager(blocks)[0]!.elements!.map((e) => e.text.text)).toEqual(["Next"]);
    const next = pager(blocks)[0]!.elements![0]!;
    expect(next).toMatchObject({ action_id: "list_page", text: { text: "Next" } });

    const p2 = await answerTo(h, (await h.action("USTAFF", { action_id: "list_page", value: next.value })).responseUrl);
    expect(p2.replace_original).toBe(true);
    expect(brandsOf(p2)[0]).toBe("L-zz-green-03");
    const p2blocks = p2.blocks as Block[];
    // Previous and Next on one line: one actions block, distinct action_ids, one handler.
    expect(pager(p2blocks)).toHaveLength(1);
    const [prev, next2] = pager(p2blocks)[0]!.elements!;
    expect([prev!.text.text, next2!.text.text]).toEqual(["Previous", "Next"]);
    expect([prev!.action_id, next2!.action_id]).toEqual(["list_page_prev", "list_page"]);
    const p3 = await answerTo(h, (await h.action("USTAFF", { action_id: "list_page", value: next2!.value })).responseUrl);
    expect(brandsOf(p3)).toHaveLength(5);
    expect(pager(p3.blocks as Block[])[0]!.elements!.map((e) => e.text.text)).toEqual(["Previous"]);
    const back = await answerTo(h, (await h.action("USTAFF", { action_id: "list_page_prev", value: prev!.value })).responseUrl);
    expect(brandsOf(back)[0]).toBe("L-red-p1-old");
    await waitUntil(
      async () => (await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", actionType: "VIEW", targetDisplay: { startsWith: "/wl list" } } })) >= 4,
    );
  });

  it("filters by health, status and tag (case-insensitive), in any order", async () => {
    expect(brandsOf(await answerTo(h, (await h.command("USTAFF", "list red")).responseUrl))).toEqual(["L-red-p1-old", "L-red-p1-new", "L-red-p3"]);
    expect(brandsOf(await answerTo(h, (await h.command("USTAFF", "list yellow launch")).responseUrl))).toEqual(["L-yellow-p2-old", "L-yellow-p2-new"]);
    expect(brandsOf(await answerTo(h, (await h.command("USTAFF", "list tag:VIP")).responseUrl))).toEqual(["L-red-p1-new", "L-yellow-p2-old"]);
    expect(brandsOf(await answerTo(h, (await h.command("USTAFF", "list tag:vip RED LIVE")).responseUrl))).toEqual(["L-red-p1-new"]);
    const none = await answerText(h, (await h.command("USTAFF", "list CLOSED")).responseUrl);
    expect(none).toMatch(/None match/);
  });

  it("leaves archived creators out, and a tampered or stale page button gets a clear answer", async () => {
    const all = JSON.stringify(await answerTo(h, (await h.command("USTAFF", "list")).responseUrl));
    expect(all).not.toContain("Glow");
    expect(all).not.toContain("Archive Me");
    for (const value of ["{", '{"p":-1}', '{"p":1,"s":"NOPE"}', "x".repeat(3000)]) {
      const text = await answerText(h, (await h.action("USTAFF", { action_id: "list_page", value })).responseUrl);
      expect(text).toMatch(/out of date/);
    }
    const far = await answerTo(h, (await h.action("USTAFF", { action_id: "list_page", value: '{"p":99}' })).responseUrl);
    expect(JSON.stringify(far)).toContain("Page 3 of 3");
  });

  it("answers a bad filter with the usage line", async () => {
    const text = await answerText(h, (await h.command("USTAFF", "list purple")).responseUrl);
    expect(text).toContain("list [status] [health] [tag:");
  });
});
