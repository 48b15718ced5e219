import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startSandboxBot, type SandboxedBot } from "../../src/sandbox/start-sandbox.js";
import type { Json } from "../../src/sandbox/block-kit.js";
import { dmChannelId } from "../../src/sandbox/sandbox-users.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { captureLogger } from "../helpers/logs.js";
import { sandboxUi } from "../helpers/sandbox-ui.js";

// The sandbox's shortcuts menu, message shortcuts and external_select (block_suggestion and
// its options), driven through the page's API against the real bot.

const SAM = "U0DEMOSAM";
const GUS = "U0DEMOGUS";
const GENERAL = "C0GENERAL";

let tdb: TestDatabase;
let bot: SandboxedBot;
let creatorId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  bot = await startSandboxBot(loadConfig({ DATABASE_URL: tdb.appUrl, PORT: "0", LOG_LEVEL: "debug" }), captureLogger().logger, { schedules: false });
  const c = await tdb.db.creator.create({
    data: {
      creatorName: "Orla Quinn",
      creatorEmail: "orla@creators.example",
      brandName: "Orchard & <Vine>",
      brandNiche: "Food",
      journeyStatus: "LIVE",
      healthScore: "GREEN",
      lastStatusChange: new Date(),
      lastContactedDate: new Date("2026-01-02"),
    } as never,
  });
  creatorId = c.id;
});
afterAll(async () => {
  await bot?.stop();
  await tdb?.drop();
});

const { ws, ui, waitFor } = sandboxUi(() => bot);
const topModal = (user: string) => ws().stackOf(user).at(-1);
const pickerOf = (blocks: Json[]) => blocks.find((b) => b.block_id === "creator")?.element as Json | undefined;

describe("sandbox: shortcuts and the creator picker", () => {
  it("the page lists the manifest's shortcuts", async () => {
    const snap = (await (await fetch(`${bot.sandboxUrl}ui/state?user=${SAM}`)).json()) as Json;
    expect(snap.shortcuts).toEqual([
      { name: "Find a creator", type: "global", callbackId: "find_creator" },
      { name: "Log to creator", type: "message", callbackId: "log_to_creator" },
    ]);
  });

  it("Find a creator: the shortcut opens the picker, typing asks the bot for options, the pick opens the card by DM", async () => {
    expect(await ui("shortcut", { user: SAM, callbackId: "find_creator" })).toEqual({ ok: true });
    const modal = await waitFor(() => topModal(SAM)?.def.callback_id === "find_creator" && topModal(SAM), "the Find a creator modal");
    expect(pickerOf(modal.def.blocks as Json[])).toMatchObject({ type: "external_select", action_id: "creator_pick" });

    const source = { type: "view", viewId: modal.id };
    const got = await ui("options", { user: SAM, source, blockId: "creator", actionId: "creator_pick", value: "orch" });
    expect(got).toEqual({ ok: true, options: [{ text: { type: "plain_text", text: "Orchard & <Vine> (Orla Quinn)" }, value: creatorId }] });
    expect(ws().log.some((l) => l.text.startsWith("block_suggestion creator_pick → HTTP 200"))).toBe(true);
    // Shorter than min_query_length: Slack does not ask.
    expect(await ui("options", { user: SAM, source, blockId: "creator", actionId: "creator_pick", value: "" })).toEqual({ ok: true, options: [] });

    expect(await ui("submit", { user: SAM, viewId: modal.id, drafts: { creator: { creator_pick: creatorId } } })).toEqual({ ok: true });
    await waitFor(
      () =>
        ws()
          .messagesFor(SAM, dmChannelId(SAM))
          .some((m) => JSON.stringify(m.blocks ?? []).includes("Orchard")),
      "the card in the DM",
    );
    expect(await tdb.db.auditLog.count({ where: { slackUserId: SAM, targetId: creatorId, actionType: "VIEW" } })).toBe(1);
  });

  it("a value the bot never offered submits no option: Slack's own required check stops it", async () => {
    await ui("shortcut", { user: SAM, callbackId: "find_creator" });
    const modal = await waitFor(() => topModal(SAM)?.def.callback_id === "find_creator" && topModal(SAM), "the modal");
    const r = await ui("submit", { user: SAM, viewId: modal.id, drafts: { creator: { creator_pick: "00000000-0000-4000-8000-000000000000" } } });
    expect(r).toMatchObject({ ok: false, errors: { creator: "Please complete this required field." } });
    await ui("close", { user: SAM, viewId: modal.id });
  });

  it("Log to creator: a message's shortcut, the picker and a note; the note is stored with the message's permalink", async () => {
    await ui("command", { user: SAM, channel: GENERAL, text: "Spoke with Orla about the launch <!here>" });
    const msg = ws().messagesFor(SAM, GENERAL).at(-1)!;
    expect(await ui("shortcut", { user: SAM, callbackId: "log_to_creator", message: { channel: GENERAL, ts: msg.ts } })).toEqual({ ok: true });
    const modal = await waitFor(() => topModal(SAM)?.def.callback_id === "log_to_creator" && topModal(SAM), "the Log to creator modal");
    expect(JSON.stringify(modal.def.blocks)).toContain("&lt;!here&gt;");
    const opts = await ui("options", { user: SAM, source: { type: "view", viewId: modal.id }, blockId: "creator", actionId: "creator_pick", value: "orla" });
    expect((opts.options as Json[]).map((o) => o.value)).toEqual([creatorId]);
    await waitFor(() => tdb.db.contactDraft.count().then((n) => n > 0), "the draft");
    expect(await ui("submit", { user: SAM, viewId: modal.id, drafts: { creator: { creator_pick: creatorId }, note: { note: "launch call" } } })).toEqual({
      ok: true,
    });
    const note = await tdb.db.contactNote.findFirstOrThrow({ where: { creatorId } });
    expect(note).toMatchObject({ channelId: GENERAL, messageTs: msg.ts, note: "launch call", slackUserId: SAM });
    expect(note.permalink).toContain(`#${GENERAL}/${msg.ts}`);
    const c = await tdb.db.creator.findUniqueOrThrow({ where: { id: creatorId } });
    expect(c.lastContactedDate?.toISOString().slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
  });

  it("someone without a role gets no options", async () => {
    await ui("shortcut", { user: SAM, callbackId: "find_creator" });
    const modal = await waitFor(() => topModal(SAM)?.def.callback_id === "find_creator" && topModal(SAM), "the modal");
    // Gus cannot see Sam's modal; the same search from Gus's own surface answers nothing.
    expect(
      await ui("options", { user: GUS, source: { type: "view", viewId: modal.id }, blockId: "creator", actionId: "creator_pick", value: "orch" }),
    ).toMatchObject({ ok: false });
    await ui("close", { user: SAM, viewId: modal.id });
  });
});
