import http from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQs } from "node:querystring";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifySlackSignature } from "../../src/slack/signature.js";
import { BotLink } from "../../src/sandbox/bot-link.js";
import { createInteractions } from "../../src/sandbox/interactions.js";
import { normaliseBlocks, type Json } from "../../src/sandbox/block-kit.js";
import { Workspace, type View } from "../../src/sandbox/workspace.js";

// What the stand-in sends an app and what it does with the app's answers, against a scripted
// app that verifies every signature as the bot's receiver does. No database needed.

const SECRET = "sandbox-semantics-secret";
type Received = { contentType: string; body: Record<string, unknown>; raw: string };
let server: http.Server;
let received: Received[] = [];
let answer: (r: Received) => { status?: number; body?: string; delayMs?: number } = () => ({});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const verdict = verifySlackSignature({
        signingSecret: SECRET,
        rawBody: raw,
        timestampHeader: req.headers["x-slack-request-timestamp"] as string | undefined,
        signatureHeader: req.headers["x-slack-signature"] as string | undefined,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      if (!verdict.ok) return void res.writeHead(401).end(verdict.reason);
      const contentType = String(req.headers["content-type"]);
      const form = contentType.startsWith("application/x-www-form-urlencoded") ? (parseQs(raw) as Record<string, string>) : null;
      const body = form
        ? typeof form.payload === "string"
          ? (JSON.parse(form.payload) as Record<string, unknown>)
          : form
        : (JSON.parse(raw) as Record<string, unknown>);
      const r = { contentType, body, raw };
      received.push(r);
      const a = answer(r);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(a.status ?? 200, { "content-type": "application/json" }).end(a.body ?? "");
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

let ws: Workspace;
let ix: ReturnType<typeof createInteractions>;
beforeEach(() => {
  received = [];
  answer = () => ({});
  ws = new Workspace();
  const link = new BotLink(ws, SECRET);
  link.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
  ix = createInteractions(ws, link, { responseUrlBase: () => "http://127.0.0.1:1/sandbox/response/" });
});

const SAM = "U0DEMOSAM";
const pt = (text: string) => ({ type: "plain_text", text });
function openModal(def: Json, user = SAM): View {
  const id = ws.newId("V");
  const v: View = {
    id,
    userId: user,
    type: "modal",
    def: { ...def, blocks: normaliseBlocks(def.blocks ?? []) },
    hash: ws.newHash(),
    rootViewId: id,
    previousViewId: null,
  };
  ws.stackOf(user).push(v);
  return v;
}
const form = {
  type: "modal",
  callback_id: "creator_new",
  private_metadata: '{"x":1}',
  title: pt("New creator"),
  submit: pt("Create"),
  notify_on_close: true,
  blocks: [
    { type: "input", block_id: "brand_name", label: pt("Brand"), element: { type: "plain_text_input", action_id: "brand_name" } },
    { type: "input", block_id: "target_date", optional: true, label: pt("Date"), element: { type: "datepicker", action_id: "target_date" } },
    { type: "actions", block_id: "more", elements: [{ type: "button", action_id: "more_fields", text: pt("More"), value: "m" }] },
  ],
};

describe("what the stand-in sends (each signed; the scripted app verifies like the bot's receiver)", () => {
  it("slash commands as Slack's form fields", async () => {
    await ix.command({ userId: SAM, channelId: "C0GENERAL", text: "/wl show Salt & Pine" });
    const r = received[0]!;
    expect(r.contentType).toBe("application/x-www-form-urlencoded");
    expect(r.body).toMatchObject({
      command: "/wl",
      text: "show Salt &amp; Pine",
      user_id: SAM,
      user_name: "sam",
      channel_id: "C0GENERAL",
      channel_name: "general",
      team_id: "T0SANDBOX",
      api_app_id: "A0WLSANDBOX",
    });
    expect(String(r.body.response_url)).toMatch(/^http:\/\/127\.0\.0\.1:1\/sandbox\/response\/[\w-]{24}$/);
    expect(ws.useTrigger(r.body.trigger_id)).toEqual({ userId: SAM });
  });

  it("view_submission as a form-encoded payload, with state.values built from the view", async () => {
    const v = openModal(form);
    await ix.submit({ userId: SAM, viewId: v.id, drafts: { brand_name: { brand_name: "Salt & Pine" } } });
    const p = received[0]!.body;
    expect(received[0]!.raw.startsWith("payload=")).toBe(true);
    expect(p).toMatchObject({ type: "view_submission", user: { id: SAM, team_id: "T0SANDBOX" }, team: { id: "T0SANDBOX" }, response_urls: [] });
    expect(p.view).toMatchObject({
      id: v.id,
      type: "modal",
      callback_id: "creator_new",
      private_metadata: '{"x":1}',
      hash: v.hash,
      state: {
        values: {
          brand_name: { brand_name: { type: "plain_text_input", value: "Salt & Pine" } },
          target_date: { target_date: { type: "datepicker", selected_date: null } },
        },
      },
    });
  });

  it("block_actions from a modal: the view with its state, no response_url; from a message: a response_url and the channel", async () => {
    const v = openModal(form);
    await ix.action({
      userId: SAM,
      source: { type: "view", viewId: v.id },
      blockId: "more",
      actionId: "more_fields",
      drafts: { brand_name: { brand_name: "half-typed" } },
    });
    const fromView = received[0]!.body;
    expect(fromView).toMatchObject({
      type: "block_actions",
      container: { type: "view", view_id: v.id },
      actions: [{ type: "button", action_id: "more_fields", block_id: "more", value: "m" }],
    });
    expect(fromView.response_url).toBeUndefined();
    expect((fromView.view as Json).state).toEqual({
      values: {
        brand_name: { brand_name: { type: "plain_text_input", value: "half-typed" } },
        target_date: { target_date: { type: "datepicker", selected_date: null } },
      },
    });

    const m = ws.post({
      channel: "C0GENERAL",
      ts: ws.newTs(),
      user: ws.bot.userId,
      text: "pick",
      ephemeralTo: SAM,
      blocks: normaliseBlocks([
        { type: "actions", block_id: "b", elements: [{ type: "static_select", action_id: "status", options: [{ text: pt("LIVE"), value: "LIVE" }] }] },
      ]),
    });
    await ix.action({ userId: SAM, source: { type: "message", channel: "C0GENERAL", ts: m.ts }, blockId: "b", actionId: "status", picked: "LIVE" });
    const fromMessage = received[1]!.body;
    expect(fromMessage).toMatchObject({
      container: { type: "message", message_ts: m.ts, channel_id: "C0GENERAL", is_ephemeral: true },
      channel: { id: "C0GENERAL", name: "general" },
      actions: [
        {
          type: "static_select",
          action_id: "status",
          block_id: "b",
          selected_option: { text: { type: "plain_text", text: "LIVE", emoji: true }, value: "LIVE" },
        },
      ],
    });
    expect(fromMessage.message).toBeUndefined(); // Slack leaves an ephemeral message out
    expect(fromMessage.response_url).toEqual(expect.any(String));
  });

  it("nothing for an element that is not in the message (the page cannot invent actions)", async () => {
    const m = ws.post({
      channel: "C0GENERAL",
      ts: ws.newTs(),
      user: ws.bot.userId,
      text: "x",
      blocks: normaliseBlocks([{ type: "section", text: pt("no buttons") }]),
    });
    expect(await ix.action({ userId: SAM, source: { type: "message", channel: "C0GENERAL", ts: m.ts }, blockId: "b", actionId: "reveal_once" })).toMatchObject({
      ok: false,
    });
    const own = ws.post({
      channel: "C0GENERAL",
      ts: ws.newTs(),
      user: ws.bot.userId,
      text: "x",
      ephemeralTo: "U0DEMOADA",
      blocks: normaliseBlocks([{ type: "actions", block_id: "b", elements: [{ type: "button", action_id: "approve", text: pt("Approve") }] }]),
    });
    expect(await ix.action({ userId: SAM, source: { type: "message", channel: "C0GENERAL", ts: own.ts }, blockId: "b", actionId: "approve" })).toMatchObject({
      ok: false,
    });
    expect(received).toHaveLength(0);
  });

  it("app_home_opened as a JSON event envelope", async () => {
    await ix.homeOpened({ userId: SAM, tab: "home" });
    const r = received[0]!;
    expect(r.contentType).toBe("application/json");
    expect(r.body).toMatchObject({
      type: "event_callback",
      team_id: "T0SANDBOX",
      event: { type: "app_home_opened", user: SAM, channel: "D0DEMOSAM", tab: "home" },
    });
    expect(String(r.body.event_id)).toMatch(/^Ev[0-9A-F]{12}$/);
  });
});

describe("what the stand-in does with the app's answers", () => {
  it("response_action update replaces the view in place; push stacks; closing a pushed view goes back; clear closes all", async () => {
    const v = openModal(form);
    answer = () => ({
      body: JSON.stringify({
        response_action: "update",
        view: {
          type: "modal",
          title: pt("Step 2"),
          submit: pt("Next"),
          blocks: [{ type: "input", block_id: "b2", label: pt("x"), element: { type: "plain_text_input", action_id: "b2" } }],
        },
      }),
    });
    expect(await ix.submit({ userId: SAM, viewId: v.id, drafts: { brand_name: { brand_name: "a" } } })).toEqual({ ok: true });
    expect(ws.stackOf(SAM).map((x) => [x.id, (x.def.title as Json).text])).toEqual([[v.id, "Step 2"]]);

    answer = () => ({ body: JSON.stringify({ response_action: "push", view: { type: "modal", title: pt("Step 3"), submit: pt("Done"), blocks: [] } }) });
    await ix.submit({ userId: SAM, viewId: v.id, drafts: { b2: { b2: "b" } } });
    const pushed = ws.stackOf(SAM)[1]!;
    expect(pushed).toMatchObject({ previousViewId: v.id, rootViewId: v.id });
    await ix.close({ userId: SAM, viewId: pushed.id });
    expect(ws.stackOf(SAM).map((x) => x.id)).toEqual([v.id]);

    answer = () => ({ body: JSON.stringify({ response_action: "clear" }) });
    await ix.submit({ userId: SAM, viewId: v.id, drafts: { b2: { b2: "b" } } });
    expect(ws.stackOf(SAM)).toHaveLength(0);
  });

  it("an empty ack closes the current view; errors land on the named inputs and keep it open", async () => {
    const v = openModal(form);
    answer = () => ({ body: JSON.stringify({ response_action: "errors", errors: { brand_name: "Taken" } }) });
    expect(await ix.submit({ userId: SAM, viewId: v.id, drafts: { brand_name: { brand_name: "a" } } })).toEqual({
      ok: false,
      error: "the app returned errors",
      errors: { brand_name: "Taken" },
    });
    expect(ws.stackOf(SAM)[0]!.errors).toEqual({ brand_name: "Taken" });
    answer = () => ({ body: JSON.stringify({ response_action: "errors", errors: { more: "not an input" } }) });
    await ix.submit({ userId: SAM, viewId: v.id, drafts: { brand_name: { brand_name: "a" } } });
    expect(ws.stackOf(SAM)[0]!.banner).toMatch(/trouble connecting/);
    answer = () => ({});
    expect(await ix.submit({ userId: SAM, viewId: v.id, drafts: { brand_name: { brand_name: "a" } } })).toEqual({ ok: true });
    expect(ws.stackOf(SAM)).toHaveLength(0);
  });

  it("closing a view with notify_on_close sends view_closed", async () => {
    const v = openModal(form);
    await ix.close({ userId: SAM, viewId: v.id });
    expect(received.at(-1)!.body).toMatchObject({ type: "view_closed", is_cleared: false, view: { id: v.id, callback_id: "creator_new" } });
  });

  it("a command the app does not ack within 3 s, or acks with an error, is reported the way Slack reports it", async () => {
    answer = () => ({ status: 500 });
    await ix.command({ userId: SAM, channelId: "C0GENERAL", text: "/wl help" });
    expect(ws.messagesFor(SAM, "C0GENERAL").at(-1)).toMatchObject({
      kind: "slackbot",
      text: expect.stringContaining('failed with the error "dispatch_failed"'),
    });
    answer = () => ({ delayMs: 3_400 });
    await ix.command({ userId: SAM, channelId: "C0GENERAL", text: "/wl help" });
    expect(ws.messagesFor(SAM, "C0GENERAL").at(-1)).toMatchObject({ kind: "slackbot", text: '/wl failed with the error "operation_timeout"' });
  });

  it("a non-empty command ack is shown as the answer (ephemeral unless in_channel)", async () => {
    answer = () => ({ body: JSON.stringify({ response_type: "in_channel", text: "for all" }) });
    await ix.command({ userId: SAM, channelId: "C0GENERAL", text: "/wl x" });
    expect(ws.messagesFor("U0DEMOADA", "C0GENERAL").at(-1)).toMatchObject({ text: "for all", user: ws.bot.userId });
  });
});
