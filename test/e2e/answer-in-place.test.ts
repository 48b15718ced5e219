import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { formValues, openedModal, seedCreator, validNew, waitUntil } from "../helpers/creators.js";
import { formValues as vaultValues, insertCredential } from "./vault-support.js";

// Issue 17: a form's answer lands where the person acted. The place is stored server-side
// under the modal's view id when the form opens; the submission replaces the clicked message
// (Slack's response_url, recorded by the fake), answers in the command's channel, or refreshes
// the App Home. A submission that names someone else's view id is answered by DM only.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", USTAFF2: "staff", UADMIN2: "admin" });
});
afterAll(async () => {
  await h?.close();
});

const db = () => h.tdb.db;

/** Clicks a button in a message and returns the modal it opened, with the view id Slack gave it. */
async function openFrom(
  user: string,
  action: { action_id: string; value: string; block_id?: string },
  callbackId: string,
  extra: Record<string, unknown> = {},
) {
  const from = h.slack.calls.length;
  const { responseUrl } = await h.action(user, action, extra);
  const view = await openedModal(h, from, callbackId);
  const call = h.slack.calls
    .slice(from)
    .find((c) => (c.method === "views.update" || c.method === "views.open") && (c.args.view as { callback_id?: string }).callback_id === callbackId)!;
  // Buttons open a loading modal and update it: the update names the view id Slack gave it.
  return { view, viewId: String(call.args.view_id), responseUrl };
}
const responsesTo = (url: string) => h.slack.responses.filter((r) => url.endsWith(`/${r.id}`));

describe("a form opened from a message replaces that message with the updated card and a one-line confirmation", () => {
  it("Status (card) -> the card, status changed", async () => {
    const c = await seedCreator(h, { brandName: "Place Status Co", journeyStatus: "ONBOARDING" });
    const { view, viewId, responseUrl } = await openFrom("USTAFF", { action_id: "creator_status", value: c.id }, "creator_status");
    const res = await h.submit("USTAFF", {
      id: viewId,
      callback_id: "creator_status",
      private_metadata: view.private_metadata,
      values: formValues({ journey_status: "LIVE" }),
    });
    expect(res.body).toBeNull();
    const answer = await answerTo(h, responseUrl);
    expect(answer).toMatchObject({ replace_original: true, response_type: "ephemeral" });
    expect(String(answer.text)).toContain("Status changed: *Onboarding* → *Live*");
    expect(JSON.stringify(answer.blocks)).toContain("Place Status Co");
    // Not a DM any more.
    expect(h.slack.callsTo("chat.postMessage").some((x) => x.args.channel === "USTAFF" && String(x.args.text).includes("Status changed"))).toBe(false);
    // Used once: the stored URL is gone.
    await waitUntil(async () => (await db().answerPlace.count({ where: { key: `view:${viewId}` } })) === 0);
  });

  it("More details (card) -> the card, saved fields named", async () => {
    const c = await seedCreator(h, { brandName: "Place Edit Co" });
    const { view, viewId, responseUrl } = await openFrom("USTAFF", { action_id: "creator_edit", value: c.id }, "creator_edit");
    await h.submit("USTAFF", {
      id: viewId,
      callback_id: "creator_edit",
      private_metadata: view.private_metadata,
      values: formValues({ brand_tagline: "Now with a tagline" }),
    });
    const answer = await answerTo(h, responseUrl);
    expect(answer.replace_original).toBe(true);
    expect(String(answer.text)).toContain("Saved: brand_tagline.");
  });

  it("Add milestone (card) -> the card with the new milestone", async () => {
    const c = await seedCreator(h, { brandName: "Place Milestone Co" });
    const { view, viewId, responseUrl } = await openFrom(
      "USTAFF",
      { action_id: "milestone_add", value: c.id, block_id: "creator_card_actions" },
      "milestone_add",
    );
    await h.submit("USTAFF", {
      id: viewId,
      callback_id: "milestone_add",
      private_metadata: view.private_metadata,
      values: {
        title: { title: { type: "plain_text_input", value: "Card plan" } },
        target_date: { target_date: { type: "datepicker", selected_date: "2099-01-01" } },
        related_journey_stage: { related_journey_stage: { type: "static_select", selected_option: { value: "LIVE" } } },
      },
    });
    const answer = await answerTo(h, responseUrl);
    expect(answer.replace_original).toBe(true);
    expect(String(answer.text)).toContain("Added “Card plan”");
    expect(JSON.stringify(answer.blocks)).toContain("creator_card_actions");
  });

  it("Add credential (credential list) -> the list with the new credential", async () => {
    const c = await seedCreator(h, { brandName: "Place Vault Co" });
    const { viewId, responseUrl } = await openFrom("USTAFF", { action_id: "credential_add", value: c.id }, "credential_add");
    await h.submit("USTAFF", {
      id: viewId,
      callback_id: "credential_add",
      private_metadata: JSON.stringify({ creatorId: c.id }),
      values: vaultValues({ platform_name: "Shopify", account_identifier: "place@vault.test", password: "hunter2-place" }),
    });
    const answer = await answerTo(h, responseUrl);
    expect(answer.replace_original).toBe(true);
    const text = JSON.stringify(answer);
    expect(text).toContain("Added credential");
    expect(text).toContain("place@vault.test");
    expect(text).not.toContain("hunter2-place");
  });
});

describe("a form opened by a slash command answers in that channel", () => {
  it("/wl new -> the new card, ephemeral, through the command's response_url", async () => {
    const { responseUrl } = await h.command("USTAFF", "new");
    const place = await waitUntil(() => db().answerPlace.findFirst({ where: { kind: "command", slackUserId: "USTAFF" } }));
    const viewId = place.key.slice("view:".length);
    const res = await h.submit("USTAFF", {
      id: viewId,
      callback_id: "creator_new",
      values: formValues(validNew({ creator_email: "cmd@place.test", brand_name: "Command Brand" })),
    });
    expect(res.body).toBeNull();
    const answer = responsesTo(responseUrl)[0] ?? (await h.slack.waitFor(() => responsesTo(responseUrl)[0]));
    expect(answer.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(answer.body.text)).toContain("Created *Command Brand*");
  });
});

describe("a form opened from the App Home refreshes the Home", () => {
  it("New creator (Home) -> views.publish with the confirmation and the new counts", async () => {
    const from = h.slack.calls.length;
    await h.action(
      "USTAFF",
      { action_id: "creator_new", value: "new", block_id: "home_actions" },
      {
        container: { type: "view", view_id: "VHOME" },
        view: { id: "VHOME", type: "home", callback_id: "", private_metadata: "" },
        response_url: undefined,
        channel: undefined,
      },
    );
    await h.slack.waitFor(() => h.slack.calls.slice(from).find((c) => c.method === "views.open"));
    const place = await waitUntil(() => db().answerPlace.findFirst({ where: { kind: "home", slackUserId: "USTAFF" } }));
    expect(place).toMatchObject({ kind: "home", slackUserId: "USTAFF", responseUrl: null });
    const before = h.slack.calls.length;
    await h.submit("USTAFF", {
      id: place.key.slice(5),
      callback_id: "creator_new",
      values: formValues(validNew({ creator_email: "home@place.test", brand_name: "Home Brand" })),
    });
    const publish = await h.slack.waitFor(() => h.slack.calls.slice(before).find((c) => c.method === "views.publish" && c.args.user_id === "USTAFF"));
    expect(JSON.stringify(publish.args.view)).toContain("Created *Home Brand*");
    const viewRow = await db().auditLog.findFirst({
      where: { slackUserId: "USTAFF", actionType: "VIEW", notes: { startsWith: "dashboard refreshed after a form" } },
    });
    expect(viewRow).not.toBeNull();
  });
});

describe("forged view state is refused", () => {
  it("another user's view id is not answered in the opener's place; metadata naming a response_url is ignored", async () => {
    const c = await seedCreator(h, { brandName: "Forged Place Co", journeyStatus: "ONBOARDING" });
    const { view, viewId, responseUrl } = await openFrom("USTAFF", { action_id: "creator_status", value: c.id }, "creator_status");
    const calls = h.slack.calls.length;
    // USTAFF2 submits naming USTAFF's modal: answered by DM, USTAFF's message untouched.
    await h.submit("USTAFF2", {
      id: viewId,
      callback_id: "creator_status",
      private_metadata: view.private_metadata,
      values: formValues({ journey_status: "LIVE" }),
    });
    await h.slack.waitFor(() => h.slack.calls.slice(calls).find((x) => x.method === "chat.postMessage" && x.args.channel === "USTAFF2"));
    expect(responsesTo(responseUrl)).toEqual([]);
    expect(await db().answerPlace.count({ where: { key: `view:${viewId}` } })).toBe(1);

    // A milestone form whose metadata carries a response_url (as older forms did) posts nothing there.
    const forgedUrl = h.slack.responseUrl();
    const calls2 = h.slack.calls.length;
    await h.submit("USTAFF", {
      callback_id: "milestone_add",
      private_metadata: JSON.stringify({ creatorId: c.id, responseUrl: forgedUrl, fromList: true }),
      values: {
        title: { title: { type: "plain_text_input", value: "Forged place" } },
        related_journey_stage: { related_journey_stage: { type: "static_select", selected_option: { value: "LIVE" } } },
      },
    });
    await h.slack.waitFor(() => h.slack.calls.slice(calls2).find((x) => x.method === "chat.postMessage" && x.args.channel === "USTAFF"));
    expect(responsesTo(forgedUrl)).toEqual([]);
  });
});

describe("the approver's message shows the reveal", () => {
  it("an admin's ephemeral 'Approved: not revealed yet' is replaced with 'Revealed at HH:MM by …' when the requester reveals", async () => {
    const c = await seedCreator(h, { brandName: "Reveal Place Co" });
    const credId = await insertCredential(db(), c.id, { platform: "Etsy", password: h.bot.deps.fernet.encrypt("s3cret-place") });
    const r = await h.submit("USTAFF", {
      callback_id: "reveal_reason",
      private_metadata: JSON.stringify({ id: credId }),
      values: vaultValues({ reason: "checking orders" }),
    });
    expect(r.body).toBeNull();
    const req = await db().revealRequest.findFirstOrThrow({ where: { credentialId: credId } });
    const approve = await h.action("UADMIN", { action_id: "reveal_approve", value: req.id });
    const ack = await answerTo(h, approve.responseUrl);
    expect(String(ack.text)).toContain("not revealed yet");

    const reveal = await h.action("USTAFF", { action_id: "reveal_once", value: req.id });
    await answerTo(h, reveal.responseUrl);
    const updated = await h.slack.waitFor(() => responsesTo(approve.responseUrl).find((x) => String(x.body.text).includes("Revealed at")));
    expect(updated.body).toMatchObject({ replace_original: true, response_type: "ephemeral" });
    expect(String(updated.body.text)).toMatch(/Revealed at <!date\^\d+\^\{time\}\|\d\d:\d\d UTC> by <@USTAFF>/);
    expect(String(updated.body.text)).not.toContain("s3cret-place");
  });
});

describe("More details: the JSON columns as lines (issue 17)", () => {
  it("key: value lines and a links list are stored in the seed's JSON shape, shown back as lines, and bad lines are inline errors", async () => {
    const c = await seedCreator(h, { brandName: "Lines Co" });
    const first = await openFrom("USTAFF", { action_id: "creator_edit", value: c.id }, "creator_edit");
    const bad = await h.submit("USTAFF", {
      id: first.viewId,
      callback_id: "creator_edit",
      private_metadata: first.view.private_metadata,
      values: formValues({ custom_fields: "revenue 50000", other_social_links: "pinterest.com/lines" }),
    });
    expect(bad.body).toMatchObject({
      response_action: "errors",
      errors: {
        custom_fields: expect.stringContaining("Line 1: write key: value"),
        other_social_links: expect.stringContaining("Line 1: one https:// link per line"),
      },
    });
    const ok = await h.submit("USTAFF", {
      id: first.viewId,
      callback_id: "creator_edit",
      private_metadata: first.view.private_metadata,
      values: formValues({
        custom_fields: 'revenue_target_monthly: 50000\ncontent_pillars: ["Fitness"]',
        other_social_links: "https://www.pinterest.com/lines\ndiscord: https://discord.gg/lines",
      }),
    });
    expect(ok.body).toBeNull();
    await answerTo(h, first.responseUrl);
    const row = await db().creator.findUniqueOrThrow({ where: { id: c.id } });
    // As Django's JSONField holds them: numbers stay numbers, lists stay lists.
    expect(row.customFields).toEqual({ revenue_target_monthly: 50000, content_pillars: ["Fitness"] });
    expect(row.otherSocialLinks).toEqual({ pinterest: "https://www.pinterest.com/lines", discord: "https://discord.gg/lines" });

    const again = await openFrom("USTAFF", { action_id: "creator_edit", value: c.id }, "creator_edit");
    const byBlock = Object.fromEntries(again.view.blocks.filter((b) => b.type === "input").map((b) => [b.block_id, b.element?.initial_value]));
    // In jsonb's key order (shorter keys first), as Postgres returns them.
    expect(byBlock.custom_fields).toBe('content_pillars: ["Fitness"]\nrevenue_target_monthly: 50000');
    expect(byBlock.other_social_links).toBe("discord: https://discord.gg/lines\npinterest: https://www.pinterest.com/lines");
  });
});
