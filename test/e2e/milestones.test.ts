import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { daysAgo, insertCreator, insertMilestone } from "../helpers/health-fixtures.js";
import { fromDbDate } from "../../src/lib/dates.js";

// DIGEST_TZ is New York; the clock says 03:30 UTC on the 16th, which is still the 15th there.
const TODAY = "2026-06-15";
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ DIGEST_TZ: "America/New_York" });
  h.clock.set("2026-06-16T03:30:00Z");
  await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager" });
});
afterAll(async () => {
  await h?.close();
});

type Block = { type: string; block_id?: string; text?: { text: string }; elements?: Element[]; accessory?: Element };
type Element = { type: string; action_id?: string; value?: string; text?: { text: string }; confirm?: Record<string, unknown>; style?: string };
type View = {
  callback_id?: string;
  private_metadata?: string;
  blocks: (Block & {
    element?: Element & { initial_value?: string; initial_date?: string; initial_option?: { value: string }; options?: { value: string }[] };
  })[];
};

const db = () => h.tdb.db;
const blocksOf = (answer: Record<string, unknown>) => (answer.blocks ?? []) as Block[];
/** Milestone ids in the order the list shows them. */
const listedIds = (blocks: Block[]) => blocks.filter((b) => b.block_id?.startsWith("ml_s_")).map((b) => b.block_id!.slice(5));
const buttonsOf = (blocks: Block[], milestoneId: string) => blocks.find((b) => b.block_id === `ml_m_${milestoneId}`)?.elements ?? [];
const textOf = (blocks: Block[]) => JSON.stringify(blocks);

/** The answer posted to a response_url after `from` (a modal's refresh of the list). */
const responseAfter = (from: number, pred: (b: Record<string, unknown>) => boolean = () => true) =>
  h.slack.waitFor(() => h.slack.responses.slice(from).find((r) => pred(r.body)));

async function openedView(from: number, callbackId: string): Promise<View & { viewId: string }> {
  const call = await h.slack.waitFor(() =>
    h.slack.calls.slice(from).find((c) => c.method === "views.update" && (c.args.view as View | undefined)?.callback_id === callbackId),
  );
  // The view id Slack gave the modal: its submission carries it (and the bot stored its place under it).
  return { ...(call.args.view as View), viewId: String(call.args.view_id) };
}

function formValues(v: { title?: string | null; description?: string | null; target_date?: string | null; related_journey_stage?: string | null }) {
  return {
    title: { title: { type: "plain_text_input", value: v.title ?? null } },
    description: { description: { type: "plain_text_input", value: v.description ?? null } },
    target_date: { target_date: { type: "datepicker", selected_date: v.target_date ?? null } },
    related_journey_stage: {
      related_journey_stage: { type: "static_select", selected_option: v.related_journey_stage ? { value: v.related_journey_stage } : null },
    },
  };
}

async function seedGlow() {
  const c = await insertCreator(db(), TODAY, { brandName: "Glow Labs", creatorName: "Gia Glow", journeyStatus: "BRAND_BUILDING" });
  const m = {
    later: await insertMilestone(db(), c.id, { title: "Later", targetDate: "2026-06-20" }),
    doneSameDay: await insertMilestone(db(), c.id, { title: "Done same day", targetDate: "2026-06-10", isCompleted: true, completedDate: "2026-06-09" }),
    openSameDay: await insertMilestone(db(), c.id, { title: "Open same day", targetDate: "2026-06-10" }),
    undated: await insertMilestone(db(), c.id, { title: "Undated" }),
    oldest: await insertMilestone(db(), c.id, { title: "Oldest", targetDate: "2026-06-01" }),
  };
  return { c, m };
}

describe("/wl milestones", () => {
  it("lists the creator's milestones in the seed's order (target date, done first on a tie, undated last), each open one with Mark done, Edit and Delete", async () => {
    const { c, m } = await seedGlow();
    const { responseUrl } = await h.command("USTAFF", "milestones glow labs");
    const answer = await answerTo(h, responseUrl);
    expect(answer.response_type).toBe("ephemeral");
    const blocks = blocksOf(answer);
    expect(listedIds(blocks)).toEqual([m.oldest.id, m.doneSameDay.id, m.openSameDay.id, m.later.id, m.undated.id]);

    for (const open of [m.oldest, m.openSameDay, m.later, m.undated]) {
      const buttons = buttonsOf(blocks, open.id);
      expect(buttons.map((b) => [b.action_id, b.text?.text, b.value])).toEqual([
        ["milestone_done", "Mark done", open.id],
        ["milestone_edit", "Edit", open.id],
        ["milestone_delete", "Delete", open.id],
      ]);
      expect(buttons[2]!.confirm).toMatchObject({ confirm: { text: "Delete" }, deny: { text: "Cancel" } });
    }
    expect(buttonsOf(blocks, m.doneSameDay.id)).toEqual([]);
    const add = blocks.find((b) => b.block_id === "ml_add")!.elements![0]!;
    expect([add.action_id, add.text?.text, add.value]).toEqual(["milestone_add", "Add milestone", c.id]);
    // Health with its reasons, and each milestone's state.
    expect(textOf(blocks)).toContain(":red_circle: *RED* — 2 milestones overdue, the oldest by 14 days");
    expect(textOf(blocks)).toContain("overdue by 14 days · target 2026-06-01");
    // The VIEW row is written alongside the answer, not before it.
    await expect.poll(() => db().auditLog.count({ where: { targetId: c.id, actionType: "VIEW", slackUserId: "USTAFF" } })).toBe(1);
  });

  it("the card's Milestones button (creator_milestones) shows the same list as a new message", async () => {
    const { c, m } = await seedGlow();
    const { responseUrl } = await h.action("USTAFF", { action_id: "creator_milestones", value: c.id, block_id: "card_actions" });
    const answer = await answerTo(h, responseUrl);
    expect(answer.replace_original).toBe(false);
    expect(listedIds(blocksOf(answer))).toEqual([m.oldest.id, m.doneSameDay.id, m.openSameDay.id, m.later.id, m.undated.id]);
  });

  it("answers a missing or unknown creator with usage or 'no match', never a stack trace", async () => {
    expect(String((await answerTo(h, (await h.command("USTAFF", "milestones")).responseUrl)).text)).toMatch(/Usage: `\/wl milestones <creator>`/);
    expect(String((await answerTo(h, (await h.command("USTAFF", "milestones nobody-like-this")).responseUrl)).text)).toMatch(/No creator matches/);
    const stale = await answerTo(h, (await h.action("USTAFF", { action_id: "milestone_done", value: "not-a-uuid" })).responseUrl);
    expect(String(stale.text)).toMatch(/out of date/);
  });
});

describe("Add milestone", () => {
  it("opens the modal (loading view first), with block_id = action_id = the column name and the creator's stage preselected", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "Add Co", journeyStatus: "LAUNCH" });
    const from = h.slack.calls.length;
    await h.action("USTAFF", { action_id: "milestone_add", value: c.id, block_id: "ml_add" });
    const open = await h.slack.waitForCall("views.open", (x) => h.slack.calls.indexOf(x) >= from);
    expect((open.args.view as View).callback_id).toBe("loading");
    const view = await openedView(from, "milestone_add");
    const inputs = view.blocks.filter((b) => b.type === "input");
    expect(inputs.map((b) => [b.block_id, b.element?.action_id, b.element?.type])).toEqual([
      ["title", "title", "plain_text_input"],
      ["description", "description", "plain_text_input"],
      ["target_date", "target_date", "datepicker"],
      ["related_journey_stage", "related_journey_stage", "static_select"],
    ]);
    expect(inputs[3]!.element?.initial_option?.value).toBe("LAUNCH");
    expect(inputs[3]!.element?.options?.map((o) => o.value)).toEqual(["ONBOARDING", "BRAND_BUILDING", "LAUNCH", "LIVE", "PAUSED", "CLOSED"]);
    // Where to answer is stored server-side under the view id, never in (forgeable) metadata.
    expect(JSON.parse(view.private_metadata!)).toEqual({ creatorId: c.id });
    const place = await db().answerPlace.findUniqueOrThrow({ where: { key: `view:${view.viewId}` } });
    expect(place).toMatchObject({ slackUserId: "USTAFF", kind: "message", shows: "milestones" });
    expect(place.responseUrl).not.toContain("/response/");
  });

  it("comes back with inline errors on the offending blocks and saves nothing", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "Errs Co" });
    const meta = JSON.stringify({ creatorId: c.id });
    const res = await h.submit("USTAFF", {
      callback_id: "milestone_add",
      private_metadata: meta,
      values: formValues({ title: "   ", target_date: "2026-02-30", related_journey_stage: "SOMEDAY" }),
    });
    expect(res.body).toMatchObject({
      response_action: "errors",
      errors: { title: expect.any(String), target_date: expect.any(String), related_journey_stage: expect.any(String) },
    });
    const long = await h.submit("USTAFF", {
      callback_id: "milestone_add",
      private_metadata: meta,
      values: formValues({ title: "x".repeat(201), related_journey_stage: "LIVE" }),
    });
    expect(long.body).toMatchObject({ response_action: "errors", errors: { title: "At most 200 characters." } });
    expect(await db().milestone.count({ where: { creatorId: c.id } })).toBe(0);
    expect(await db().auditLog.count({ where: { targetId: c.id, actionType: { not: "VIEW" } } })).toBe(0);
  });

  it("saves, audits the CREATE, recomputes health in the same transaction (audited with reasons) and redraws the list it came from", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "New Co" });
    const calls = h.slack.calls.length;
    const { responseUrl } = await h.action("USTAFF", { action_id: "milestone_add", value: c.id, block_id: "ml_add" });
    const view = await openedView(calls, "milestone_add");
    const from = h.slack.responses.length;
    const res = await h.submit("USTAFF", {
      id: view.viewId,
      callback_id: "milestone_add",
      private_metadata: view.private_metadata,
      values: formValues({ title: "Launch <!channel> plan", description: "Line one\nline two", target_date: "2026-06-10", related_journey_stage: "LAUNCH" }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
    const m = await db().milestone.findFirstOrThrow({ where: { creatorId: c.id } });
    expect(m).toMatchObject({ title: "Launch <!channel> plan", description: "Line one\nline two", isCompleted: false, relatedJourneyStage: "LAUNCH" });
    expect(fromDbDate(m.targetDate)).toBe("2026-06-10");

    const created = await db().auditLog.findFirstOrThrow({ where: { targetId: m.id } });
    expect(created).toMatchObject({ actionType: "CREATE", targetModel: "Milestone", slackUserId: "USTAFF" });
    expect(created.changes).toMatchObject({ title: "Launch <!channel> plan", target_date: "2026-06-10", is_completed: false, creator_id: c.id });
    const healthRow = await db().auditLog.findFirstOrThrow({ where: { targetId: c.id, actionType: "UPDATE" } });
    expect(healthRow).toMatchObject({
      slackUserId: "USTAFF",
      changes: { health_score: { from: "GREEN", to: "YELLOW" } },
      notes: "1 milestone overdue by 5 days",
    });
    expect((await db().creator.findUniqueOrThrow({ where: { id: c.id } })).healthScore).toBe("YELLOW");

    const refreshed = await responseAfter(from, (b) => JSON.stringify(b).includes("New Co"));
    expect(responseUrl.endsWith(refreshed.id)).toBe(true);
    expect(refreshed.body).toMatchObject({ replace_original: true, response_type: "ephemeral" });
    const text = JSON.stringify(refreshed.body);
    expect(text).toContain("Launch &lt;!channel&gt; plan");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("Health: *GREEN* →");
  });
});

describe("Mark done", () => {
  it("sets is_completed and completed_date = today in DIGEST_TZ, audits it, recomputes health (audited with reasons) and redraws the list in place", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "Done Co", healthScore: "RED" });
    const m = await insertMilestone(db(), c.id, { title: "Ship the logo", targetDate: daysAgo(TODAY, 10) });
    const { responseUrl } = await h.action("USTAFF", { action_id: "milestone_done", value: m.id, block_id: `ml_m_${m.id}` });
    const answer = await answerTo(h, responseUrl);
    expect(answer.replace_original).toBe(true);
    expect(JSON.stringify(answer.blocks)).toContain("Marked “Ship the logo” done (2026-06-15)");
    expect(JSON.stringify(answer.blocks)).toContain("Health: *RED* →");
    expect(buttonsOf(blocksOf(answer), m.id)).toEqual([]);

    const row = await db().milestone.findUniqueOrThrow({ where: { id: m.id } });
    expect(row.isCompleted).toBe(true);
    // 03:30 UTC on the 16th is the 15th in New York.
    expect(fromDbDate(row.completedDate)).toBe("2026-06-15");
    const audit = await db().auditLog.findMany({ where: { targetId: { in: [m.id, c.id] }, actionType: "UPDATE" }, orderBy: { chainSeq: "asc" } });
    expect(audit.map((a) => [a.targetModel, a.changes, a.slackUserId])).toEqual([
      ["Milestone", { is_completed: { from: false, to: true }, completed_date: { from: null, to: "2026-06-15" } }, "USTAFF"],
      ["Creator", { health_score: { from: "RED", to: "GREEN" } }, "USTAFF"],
    ]);
    expect(audit[1]!.notes).toBe("no concerns");
    expect((await db().creator.findUniqueOrThrow({ where: { id: c.id } })).healthScore).toBe("GREEN");
  });

  it("a second click says it is already done and writes nothing but the refusal", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "Twice Co" });
    const m = await insertMilestone(db(), c.id, { title: "Once only", targetDate: "2026-06-20" });
    // UMANAGER: USTAFF's refusals on Mark done earlier in this file are inside their throttle window.
    await answerTo(h, (await h.action("UMANAGER", { action_id: "milestone_done", value: m.id, block_id: `ml_m_${m.id}` })).responseUrl);
    const second = await answerTo(h, (await h.action("UMANAGER", { action_id: "milestone_done", value: m.id, block_id: `ml_m_${m.id}` })).responseUrl);
    expect(String(second.text)).toBe("“Once only” is already done (since 2026-06-15).");
    expect(second.replace_original).toBe(false);
    expect(await db().auditLog.count({ where: { targetId: m.id, actionType: "UPDATE" } })).toBe(1);
    const refusal = await db().auditLog.findFirstOrThrow({ where: { targetId: m.id, actionType: "VIEW" } });
    expect(refusal.notes).toMatch(/^refused: .*already done/);
  });

  it("race: two Mark done clicks at once complete the milestone once", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "Race Co", healthScore: "YELLOW" });
    const m = await insertMilestone(db(), c.id, { title: "Contested", targetDate: daysAgo(TODAY, 2) });
    const clicks = await Promise.all(
      ["USTAFF", "UMANAGER", "USTAFF"].map((u) => h.action(u, { action_id: "milestone_done", value: m.id, block_id: `ml_m_${m.id}` })),
    );
    const answers = await Promise.all(clicks.map((x) => answerTo(h, x.responseUrl)));
    expect(answers.filter((a) => a.replace_original === true)).toHaveLength(1);
    expect(answers.filter((a) => /already done/.test(String(a.text)))).toHaveLength(2);
    expect(await db().auditLog.count({ where: { targetId: m.id, actionType: "UPDATE" } })).toBe(1);
    expect(await db().auditLog.count({ where: { targetId: c.id, actionType: "UPDATE" } })).toBe(1);
  });
});

describe("Edit and Delete", () => {
  it("Edit opens the filled modal; saving audits {field: {from, to}}, recomputes health and redraws the list", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "Edit Co" });
    const m = await insertMilestone(db(), c.id, { title: "Draft deck", targetDate: "2026-06-30", description: "v1", stage: "ONBOARDING" });
    const from = h.slack.calls.length;
    const responsesFrom = h.slack.responses.length;
    await h.action("USTAFF", { action_id: "milestone_edit", value: m.id, block_id: `ml_m_${m.id}` });
    const view = await openedView(from, "milestone_edit");
    const byBlock = Object.fromEntries(view.blocks.filter((b) => b.type === "input").map((b) => [b.block_id, b.element]));
    expect(byBlock.title?.initial_value).toBe("Draft deck");
    expect(byBlock.description?.initial_value).toBe("v1");
    expect(byBlock.target_date?.initial_date).toBe("2026-06-30");
    expect(byBlock.related_journey_stage?.initial_option?.value).toBe("ONBOARDING");

    const res = await h.submit("USTAFF", {
      id: view.viewId,
      callback_id: "milestone_edit",
      private_metadata: view.private_metadata,
      values: formValues({ title: "Final deck", description: "v1", target_date: "2026-06-12", related_journey_stage: "ONBOARDING" }),
    });
    expect(res.body).toBeNull();
    const audit = await db().auditLog.findFirstOrThrow({ where: { targetId: m.id, actionType: "UPDATE" } });
    expect(audit.changes).toEqual({ title: { from: "Draft deck", to: "Final deck" }, target_date: { from: "2026-06-30", to: "2026-06-12" } });
    expect((await db().creator.findUniqueOrThrow({ where: { id: c.id } })).healthScore).toBe("YELLOW");
    const refreshed = await responseAfter(responsesFrom, (b) => JSON.stringify(b).includes("Final deck"));
    expect(refreshed.body.replace_original).toBe(true);
  });

  it("a done milestone cannot be edited: the modal says so", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "History Co" });
    const m = await insertMilestone(db(), c.id, { title: "Old win", targetDate: "2026-05-01", isCompleted: true, completedDate: "2026-05-01" });
    const from = h.slack.calls.length;
    await h.action("USTAFF", { action_id: "milestone_edit", value: m.id, block_id: `ml_m_${m.id}` });
    const update = await h.slack.waitFor(() => h.slack.calls.slice(from).find((x) => x.method === "views.update"));
    expect(JSON.stringify(update.args.view)).toContain("only open milestones can be edited");
    const res = await h.submit("USTAFF", {
      callback_id: "milestone_edit",
      private_metadata: JSON.stringify({ creatorId: c.id, milestoneId: m.id }),
      values: formValues({ title: "Rewritten", related_journey_stage: "LIVE" }),
    });
    expect(res.body).toMatchObject({ response_action: "errors", errors: { title: expect.stringContaining("only open milestones") } });
    expect((await db().milestone.findUniqueOrThrow({ where: { id: m.id } })).title).toBe("Old win");
  });

  it("Delete (behind a confirm dialog) removes an open milestone, audits a snapshot, recomputes health; a done one is kept", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "Delete Co", healthScore: "RED" });
    const m = await insertMilestone(db(), c.id, { title: "Abandoned idea", targetDate: daysAgo(TODAY, 20) });
    const done = await insertMilestone(db(), c.id, { title: "Kept", targetDate: "2026-05-01", isCompleted: true, completedDate: "2026-05-02" });
    const answer = await answerTo(h, (await h.action("USTAFF", { action_id: "milestone_delete", value: m.id, block_id: `ml_m_${m.id}` })).responseUrl);
    expect(answer.replace_original).toBe(true);
    expect(JSON.stringify(answer.blocks)).toContain("Deleted “Abandoned idea”");
    expect(listedIds(blocksOf(answer))).toEqual([done.id]);
    expect(await db().milestone.count({ where: { id: m.id } })).toBe(0);
    const audit = await db().auditLog.findFirstOrThrow({ where: { targetId: m.id } });
    expect(audit).toMatchObject({ actionType: "DELETE", targetModel: "Milestone", slackUserId: "USTAFF" });
    expect(audit.changes).toMatchObject({ title: "Abandoned idea", target_date: daysAgo(TODAY, 20), creator_id: c.id });
    expect((await db().creator.findUniqueOrThrow({ where: { id: c.id } })).healthScore).toBe("GREEN");

    const refused = await answerTo(h, (await h.action("USTAFF", { action_id: "milestone_delete", value: done.id, block_id: `ml_m_${done.id}` })).responseUrl);
    expect(String(refused.text)).toMatch(/kept as history/);
    expect(await db().milestone.count({ where: { id: done.id } })).toBe(1);
  });
});

describe("roles", () => {
  it("staff may; a Slack user with no role is refused (audited) and nothing changes", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "Guarded Co" });
    const m = await insertMilestone(db(), c.id, { title: "Protected", targetDate: "2026-06-20" });
    const list = await answerTo(h, (await h.command("UNOBODY", "milestones guarded co")).responseUrl);
    expect(String(list.text)).toMatch(/ask an admin for access/i);
    const click = await answerTo(h, (await h.action("UNOBODY", { action_id: "milestone_done", value: m.id })).responseUrl);
    expect(String(click.text)).toMatch(/ask an admin for access/i);
    const submit = await h.submit("UNOBODY", {
      callback_id: "milestone_add",
      private_metadata: JSON.stringify({ creatorId: c.id }),
      values: formValues({ title: "Sneaky", related_journey_stage: "LIVE" }),
    });
    expect(submit.status).toBe(200);
    expect(await db().milestone.findUniqueOrThrow({ where: { id: m.id } })).toMatchObject({ isCompleted: false });
    expect(await db().milestone.count({ where: { creatorId: c.id } })).toBe(1);
    expect(await db().auditLog.count({ where: { slackUserId: "UNOBODY", notes: { contains: "refused" } } })).toBeGreaterThanOrEqual(3);

    const ok = await answerTo(h, (await h.action("USTAFF", { action_id: "milestone_done", value: m.id })).responseUrl);
    expect(String(JSON.stringify(ok))).toContain("Marked “Protected” done");
  });
});

describe("a past-dated new milestone", () => {
  it("is saved as asked and the reply says it is already overdue (with its date)", async () => {
    const c = await insertCreator(db(), TODAY, { brandName: "Late Co" });
    const from = h.slack.calls.length;
    const res = await h.submit("USTAFF", {
      callback_id: "milestone_add",
      private_metadata: JSON.stringify({ creatorId: c.id }),
      values: formValues({ title: "Back-filled plan", target_date: "2026-06-10", related_journey_stage: "LIVE" }),
    });
    expect(res.body).toBeNull();
    const dm = await h.slack.waitFor(() => h.slack.calls.slice(from).find((x) => x.method === "chat.postMessage" && x.args.channel === "USTAFF"));
    expect(String(dm.args.text)).toContain("“Back-filled plan” is already overdue (due 2026-06-10).");
    expect(await db().milestone.count({ where: { creatorId: c.id } })).toBe(1);

    // Due today (in DIGEST_TZ) is not overdue: no such line.
    const from2 = h.slack.calls.length;
    await h.submit("USTAFF", {
      callback_id: "milestone_add",
      private_metadata: JSON.stringify({ creatorId: c.id }),
      values: formValues({ title: "Today plan", target_date: TODAY, related_journey_stage: "LIVE" }),
    });
    const dm2 = await h.slack.waitFor(() => h.slack.calls.slice(from2).find((x) => x.method === "chat.postMessage" && x.args.channel === "USTAFF"));
    expect(String(dm2.args.text)).toContain("Added “Today plan”");
    expect(String(dm2.args.text)).not.toContain("overdue");
  });
});
