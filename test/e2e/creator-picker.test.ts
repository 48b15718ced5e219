import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, TEAM, type Harness } from "../helpers/bot-harness.js";
import { daysAgo, openedModal, seedCreator, waitUntil } from "../helpers/creators.js";

// The creator picker (external_select + options), the Find a creator and Log to creator
// shortcuts, all through signed requests shaped as Slack sends them.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff" });
});
afterAll(async () => {
  await h?.close();
});

const form = (payload: Record<string, unknown>) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
const user = (id: string) => ({ id, team_id: TEAM, name: id.toLowerCase() });

/** A block_suggestion as Slack sends it while someone types into an external_select. */
async function suggest(
  userId: string,
  value: string,
  actionId = "creator_pick",
): Promise<{ status: number; options: { text: { text: string }; value: string }[] }> {
  const res = await h.post(
    form({
      type: "block_suggestion",
      user: user(userId),
      team: { id: TEAM, domain: "studio" },
      api_app_id: "A0APP",
      token: "legacy",
      container: { type: "view", view_id: "V0PICK" },
      action_id: actionId,
      block_id: "creator",
      value,
      action_ts: "1700000002.000300",
      view: { id: "V0PICK", type: "modal", callback_id: "find_creator", private_metadata: "", blocks: [], state: { values: {} }, hash: "h" },
    }),
    "application/x-www-form-urlencoded",
  );
  const text = await res.text();
  return { status: res.status, options: text ? ((JSON.parse(text) as { options?: [] }).options ?? []) : [] };
}

async function globalShortcut(userId: string, callbackId: string): Promise<number> {
  const res = await h.post(
    form({
      type: "shortcut",
      callback_id: callbackId,
      trigger_id: `trg.${randomBytes(4).toString("hex")}`,
      user: user(userId),
      team: { id: TEAM, domain: "studio" },
      api_app_id: "A0APP",
      token: "legacy",
      action_ts: "1700000003.000400",
    }),
    "application/x-www-form-urlencoded",
  );
  await res.text();
  return res.status;
}

async function messageShortcut(userId: string, message: { ts: string; text: string; channel?: string }): Promise<number> {
  const channel = message.channel ?? "C0CHAN";
  const res = await h.post(
    form({
      type: "message_action",
      callback_id: "log_to_creator",
      trigger_id: `trg.${randomBytes(4).toString("hex")}`,
      user: user(userId),
      team: { id: TEAM, domain: "studio" },
      channel: { id: channel, name: "general" },
      api_app_id: "A0APP",
      token: "legacy",
      message_ts: message.ts,
      response_url: h.slack.responseUrl(),
      action_ts: "1700000004.000500",
      message: { type: "message", user: "USTAFF2", ts: message.ts, text: message.text },
    }),
    "application/x-www-form-urlencoded",
  );
  await res.text();
  return res.status;
}

const picked = (id: string) => ({
  creator: { creator_pick: { type: "external_select", selected_option: { text: { type: "plain_text", text: "x" }, value: id } } },
});
const auditRows = (where: Record<string, unknown>) => h.tdb.db.auditLog.findMany({ where: where as never, orderBy: { chainSeq: "asc" } as never });

describe("creator picker options", () => {
  it("finds the one creator among 10,000 by a word of its brand, within Slack's limits", async () => {
    await h.tdb.db.$executeRawUnsafe(`
      INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, brand_name, brand_niche,
        journey_status, health_score, last_status_change, priority_level, last_contacted_date, tags, custom_fields, is_active,
        creator_timezone, primary_communication_channel, other_social_links)
      SELECT gen_random_uuid(), now(), now(), 'Bulk Person ' || i, 'bulk' || i || '@bulk.test', 'Bulk Brand ' || i, 'Bulk',
             'LIVE', 'GREEN', now(), 3, current_date, '[]'::jsonb, '{}'::jsonb, i % 7 <> 0, 'UTC', 'Email', '{}'::jsonb
        FROM generate_series(1, 9999) AS i`);
    const target = await seedCreator(h, { brandName: "Zephyrine <Skincare> & Co", creatorName: "Quilla Marsh" });
    expect(await h.tdb.db.creator.count()).toBeGreaterThanOrEqual(10_000);

    const hit = await suggest("USTAFF", "zephyr");
    expect(hit.status).toBe(200);
    expect(hit.options.map((o) => o.value)).toEqual([target.id]);
    // plain_text: shown as typed (Slack does not parse it), within the 75-character limit.
    expect(hit.options[0]!.text.text).toBe("Zephyrine <Skincare> & Co (Quilla Marsh)");

    // By the person's name and by email too (the /wl find search), and at most 100 options.
    expect((await suggest("USTAFF", "QUILLA")).options.map((o) => o.value)).toEqual([target.id]);
    const many = await suggest("USTAFF", "bulk brand 1");
    expect(many.options.length).toBe(100);
    expect(many.options.every((o) => o.text.text.length <= 75 && /^[0-9a-f-]{36}$/.test(o.value))).toBe(true);
    // LIKE wildcards typed are literal.
    expect((await suggest("USTAFF", "%")).options).toEqual([]);
  });

  it("no VIEW row per keystroke", async () => {
    const before = await h.tdb.db.auditLog.count();
    for (const q of ["z", "ze", "zep"]) await suggest("USTAFF", q);
    expect(await h.tdb.db.auditLog.count()).toBe(before);
  });

  it("a caller without a role gets no options, and the refusal is audited (throttled)", async () => {
    await seedCreator(h, { brandName: "Hidden Orchid" });
    const first = await suggest("UNOBODY", "orchid");
    expect(first).toEqual({ status: 200, options: [] });
    const rows = await waitUntil(async () => {
      const r = await auditRows({ slackUserId: "UNOBODY", targetModel: "SlackOptions" });
      return r.length > 0 ? r : null;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.notes).toMatch(/refused: needs staff, has no role/);
    for (const q of ["orc", "orch"]) expect((await suggest("UNOBODY", q)).options).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(await auditRows({ slackUserId: "UNOBODY", targetModel: "SlackOptions" })).toHaveLength(1);
  });

  it("an unknown options action id answers nothing", async () => {
    expect((await suggest("USTAFF", "zephyr", "not_mine")).options).toEqual([]);
  });
});

describe("Find a creator (global shortcut)", () => {
  it("opens the picker, and the picked creator's card comes by DM with a VIEW row", async () => {
    const c = await seedCreator(h, { brandName: "Find Me Studio", creatorName: "Fay" });
    const from = h.slack.calls.length;
    expect(await globalShortcut("USTAFF", "find_creator")).toBe(200);
    const modal = await openedModal(h, from, "find_creator");
    const input = modal.blocks.find((b) => b.block_id === "creator") as unknown as { element: { type: string; action_id: string } };
    expect(input.element).toMatchObject({ type: "external_select", action_id: "creator_pick" });

    const callsBefore = h.slack.calls.length;
    const r = await h.submit("USTAFF", { callback_id: "find_creator", values: picked(c.id) });
    expect(r.status).toBe(200);
    expect(r.body).toBeNull();
    const dm = await h.slack.waitFor(() =>
      h.slack.calls.slice(callsBefore).find((x) => x.method === "chat.postMessage" && JSON.stringify(x.args).includes("Find Me Studio")),
    );
    expect(dm.args.channel).toBe("USTAFF");
    const view = await auditRows({ slackUserId: "USTAFF", targetId: c.id, actionType: "VIEW" });
    expect(view.map((v) => v.notes)).toContain("card shown (Find a creator)");
  });

  it("a forged creator id on submit is refused inline and audited, nothing shown", async () => {
    const forged = randomUUID();
    const r = await h.submit("USTAFF", { callback_id: "find_creator", values: picked(forged) });
    expect(r.body).toMatchObject({ response_action: "errors", errors: { creator: expect.stringMatching(/no longer exists/) } });
    const rows = await waitUntil(async () => {
      const x = await auditRows({ slackUserId: "USTAFF", targetId: forged });
      return x.length ? x : null;
    });
    expect(rows[0]!.notes).toMatch(/refused/);
    const junk = await h.submit("USTAFF", { callback_id: "find_creator", values: picked("'; DROP TABLE x; --") });
    expect(junk.body).toMatchObject({ response_action: "errors", errors: { creator: "Pick a creator from the list." } });
  });

  it("a caller without a role is refused and audited; no modal opens", async () => {
    const from = h.slack.calls.length;
    expect(await globalShortcut("UNOBODY", "find_creator")).toBe(200);
    await waitUntil(async () => (await auditRows({ slackUserId: "UNOBODY", targetModel: "SlackShortcut" })).length > 0);
    expect(h.slack.calls.slice(from).some((c) => c.method === "views.open")).toBe(false);
  });
});

describe("Log to creator (message shortcut)", () => {
  async function openLog(text: string, ts = `17000${Math.floor(Math.random() * 1e5)}.000100`) {
    const from = h.slack.calls.length;
    const viewId = `VLOG${randomBytes(3).toString("hex").toUpperCase()}`;
    h.slack.on("views.open", (args) => ({ ok: true, view: { id: viewId, ...(args.view as object) } }));
    expect(await messageShortcut("USTAFF", { ts, text })).toBe(200);
    const modal = await openedModal(h, from, "log_to_creator");
    h.slack.on("views.open", () => undefined);
    await waitUntil(async () => (await h.tdb.db.contactDraft.findUnique({ where: { viewId } })) ?? null);
    return { viewId, ts, modal, from };
  }

  it("the message becomes a contact note with its permalink; last contacted today; health recomputed; audited", async () => {
    const c = await seedCreator(h, {
      brandName: "Logged Label",
      creatorName: "Lia",
      healthScore: "RED",
      lastContactedDate: daysAgo(45),
      journeyStatus: "LIVE",
    });
    const { viewId, ts, modal, from } = await openLog("Call went well <!channel> & they *love* the plan");
    expect(h.slack.calls.slice(from).find((x) => x.method === "chat.getPermalink")?.args).toMatchObject({ channel: "C0CHAN", message_ts: ts });
    // The message is user text: escaped in the modal.
    expect(JSON.stringify(modal.blocks)).toContain("&lt;!channel&gt; &amp; they");
    expect(modal.private_metadata ?? "").toBe("");

    const callsBefore = h.slack.calls.length;
    const r = await h.submit("USTAFF", {
      callback_id: "log_to_creator",
      id: viewId,
      values: { ...picked(c.id), note: { note: { type: "plain_text_input", value: "  follow up Friday " } } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toBeNull();

    const notes = await h.tdb.db.contactNote.findMany({ where: { creatorId: c.id } });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      channelId: "C0CHAN",
      messageTs: ts,
      slackUserId: "USTAFF",
      note: "follow up Friday",
      permalink: `https://example.slack.com/archives/C0CHAN/p${ts.replace(".", "")}`,
      messageText: "Call went well <!channel> & they *love* the plan",
    });
    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } });
    const today = new Date().toISOString().slice(0, 10);
    expect(after.lastContactedDate?.toISOString().slice(0, 10)).toBe(today);
    expect(after.healthScore).toBe("GREEN");
    const rows = await auditRows({ targetId: c.id, actionType: "UPDATE" });
    const logged = rows.find((x) => (x.notes ?? "").startsWith("Log to creator"));
    expect(logged?.notes).toContain(notes[0]!.permalink);
    expect(logged?.changes).toMatchObject({ last_contacted_date: { to: today } });
    expect(rows.some((x) => JSON.stringify(x.changes).includes('"health_score"'))).toBe(true);
    expect(await h.tdb.db.contactDraft.findUnique({ where: { viewId } })).toBeNull();
    const dm = await h.slack.waitFor(() =>
      h.slack.calls.slice(callsBefore).find((x) => x.method === "chat.postMessage" && JSON.stringify(x.args).includes("Logged")),
    );
    expect(JSON.stringify(dm.args)).toContain(notes[0]!.permalink);
  });

  it("race: the same form submitted twice at once logs once", async () => {
    const c = await seedCreator(h, { brandName: "Twice Told" });
    const { viewId } = await openLog("twice");
    const both = await Promise.all([1, 2].map(() => h.submit("USTAFF", { callback_id: "log_to_creator", id: viewId, values: picked(c.id) })));
    expect(both.map((b) => b.status)).toEqual([200, 200]);
    expect(await h.tdb.db.contactNote.count({ where: { creatorId: c.id } })).toBe(1);
  });

  it("a forged creator id is refused inline and audited, and the draft stays for another pick", async () => {
    const { viewId } = await openLog("forged pick");
    const forged = randomUUID();
    const r = await h.submit("USTAFF", { callback_id: "log_to_creator", id: viewId, values: picked(forged) });
    expect(r.body).toMatchObject({ response_action: "errors", errors: { creator: expect.stringMatching(/no longer exists/) } });
    await waitUntil(async () => (await auditRows({ slackUserId: "USTAFF", targetId: forged })).length > 0);
    expect(await h.tdb.db.contactNote.count({ where: { creatorId: forged } })).toBe(0);
    expect(await h.tdb.db.contactDraft.findUnique({ where: { viewId } })).not.toBeNull();
  });

  it("a view id with no draft of the caller's (forged, or someone else's) logs nothing", async () => {
    const c = await seedCreator(h, { brandName: "Not Yours" });
    const { viewId } = await openLog("someone else's");
    await grantRoles(h, { USTAFF2: "staff" });
    const r = await h.submit("USTAFF2", { callback_id: "log_to_creator", id: viewId, values: picked(c.id) });
    expect(JSON.stringify(r.body)).toMatch(/out of date/);
    expect(await h.tdb.db.contactNote.count({ where: { creatorId: c.id } })).toBe(0);
  });

  it("a message Slack does not confirm (chat.getPermalink fails) opens no form and stores nothing", async () => {
    h.slack.on("chat.getPermalink", () => ({ ok: false, error: "channel_not_found" }));
    const before = await h.tdb.db.contactDraft.count();
    const from = h.slack.calls.length;
    expect(await messageShortcut("USTAFF", { ts: "1700000999.000100", text: "private", channel: "G0PRIV" })).toBe(200);
    const upd = await h.slack.waitFor(() => h.slack.calls.slice(from).find((x) => x.method === "views.update"));
    expect(JSON.stringify(upd.args)).toMatch(/can't see that conversation/);
    h.slack.on("chat.getPermalink", () => undefined);
    expect(await h.tdb.db.contactDraft.count()).toBe(before);
  });
});

describe("the picker where a <creator> matched several or none", () => {
  it("the answer carries the picker; picking opens the card with a VIEW row naming the creator", async () => {
    const a = await seedCreator(h, { brandName: "Twin Peaks One" });
    await seedCreator(h, { brandName: "Twin Peaks Two" });
    const { responseUrl } = await h.command("USTAFF", "show twin peaks");
    const many = await answerTo(h, responseUrl);
    const pickers = (many.blocks as { type: string; block_id?: string; elements?: { type: string; action_id: string }[] }[]).filter(
      (b) => b.type === "actions" && b.block_id === "creator_search",
    );
    expect(pickers[0]?.elements?.[0]).toMatchObject({ type: "external_select", action_id: "creator_pick" });
    const none = await answerTo(h, (await h.command("USTAFF", "show no-such-creator-xyz")).responseUrl);
    expect(JSON.stringify(none.blocks)).toContain('"creator_pick"');

    const { responseUrl: r2 } = await h.action("USTAFF", {
      action_id: "creator_pick",
      block_id: "creator_search",
      type: "external_select",
      selected_option: { text: { type: "plain_text", text: "Twin Peaks One" }, value: a.id },
    } as never);
    expect(JSON.stringify(await answerTo(h, r2))).toContain("Twin Peaks One");
    const rows = await auditRows({ slackUserId: "USTAFF", targetId: a.id, actionType: "VIEW" });
    expect(rows.map((x) => x.notes)).toContain("card shown (creator picker)");
  });
});
