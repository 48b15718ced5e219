import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { WebClient } from "@slack/web-api";
import { uploadFile } from "../../src/slack/file-upload.js";
import { loadConfig, type Config } from "../../src/config.js";
import { StartupError } from "../../src/bot.js";
import { startSandboxBot, type SandboxedBot } from "../../src/sandbox/start-sandbox.js";
import { BotLink } from "../../src/sandbox/bot-link.js";
import type { Json } from "../../src/sandbox/block-kit.js";
import { dmChannelId } from "../../src/sandbox/sandbox-users.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { captureLogger } from "../helpers/logs.js";
import { sandboxUi } from "../helpers/sandbox-ui.js";

// The sandbox as `npm start` runs it without Slack: the real bot (startBot, its receiver and
// signature check, Bolt, the features) against the stand-in, driven through the page's API.

const ADA = "U0DEMOADA";
const SAM = "U0DEMOSAM";
const GUS = "U0DEMOGUS";
const GENERAL = "C0GENERAL";

let tdb: TestDatabase;
let config: Config;
let bot: SandboxedBot;
let logs: ReturnType<typeof captureLogger>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  // No NODE_ENV and no Slack variable: what a fresh checkout's `npm start` sees.
  config = loadConfig({ DATABASE_URL: tdb.appUrl, PORT: "0", LOG_LEVEL: "debug" });
  logs = captureLogger();
  bot = await startSandboxBot(config, logs.logger, { schedules: false });
});
afterAll(async () => {
  await bot?.stop();
  await tdb?.drop();
});

const { ws, ui, waitFor } = sandboxUi(() => bot);
const botMessages = (user: string, channel = GENERAL) =>
  ws()
    .messagesFor(user, channel)
    .filter((m) => m.user === ws().bot.userId);
const lastBotText = (user: string, channel = GENERAL) => JSON.stringify(botMessages(user, channel).at(-1) ?? null);
const topModal = (user: string) => ws().stackOf(user).at(-1);

describe("sandbox start-up (npm start without Slack)", () => {
  it("starts the real bot against the stand-in, on loopback, and prints the page's URL", async () => {
    expect(config.sandbox).toBe(true);
    expect(bot.sandboxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/$/);
    expect(ws().log.map((l) => l.text)).toContain("auth.test → ok");
    expect(logs.text()).toContain("SANDBOX MODE");
    expect(logs.text()).toContain("PUBLIC sandbox key");
    const page = await fetch(bot.sandboxUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain("Local sandbox · not Slack");
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
  });

  it("adds the demo people with their roles to an empty database, audited", async () => {
    const people = await tdb.db.authUser.findMany({ include: { role: true, slackUser: true }, orderBy: { id: "asc" } });
    expect(people.map((p) => [p.slackUser?.slackUserId, p.role?.role])).toEqual([
      [ADA, "admin"],
      ["U0DEMOMIA", "manager"],
      [SAM, "staff"],
      ["U0DEMOSKY", "staff"],
    ]);
    expect(await tdb.db.auditLog.count({ where: { targetModel: "UserRole", notes: { contains: "demo seed" } } })).toBe(4);
  });

  it("is refused for a production configuration, before anything starts", async () => {
    expect(() => loadConfig({ NODE_ENV: "production", DATABASE_URL: tdb.url })).toThrow(/SLACK_BOT_TOKEN is required/);
    await expect(startSandboxBot({ ...config, nodeEnv: "production" }, logs.logger)).rejects.toBeInstanceOf(StartupError);
    const real = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", FIELD_ENCRYPTION_KEY: config.encryptionKeys[0], DATABASE_URL: tdb.url });
    await expect(startSandboxBot(real, logs.logger)).rejects.toThrow(/needs a sandbox configuration/);
  });
});

describe("signed requests the production receiver accepts", () => {
  it("a slash command: form fields, signed; the answer comes back through response_url, to the caller only", async () => {
    const before = botMessages(ADA).length;
    expect(await ui("command", { user: ADA, channel: GENERAL, text: "/wl help" })).toEqual({ ok: true });
    await waitFor(() => botMessages(ADA).length > before, "the help answer");
    const answer = botMessages(ADA).at(-1)!;
    expect(answer.ephemeralTo).toBe(ADA);
    expect(JSON.stringify(answer.blocks)).toContain("role &lt;@user&gt;");
    expect(botMessages(SAM).some((m) => m.ts === answer.ts)).toBe(false);
    expect(ws().log.some((l) => l.kind === "request" && /^\/wl help → HTTP 200/.test(l.text))).toBe(true);
    expect(await tdb.db.auditLog.count({ where: { slackUserId: ADA, targetDisplay: "/wl help" } })).toBe(1);
  });

  it("the bot's receiver really checks the signature: the same command signed with another secret is refused", async () => {
    const forged = new BotLink(ws(), "not-the-signing-secret");
    forged.connect(`http://127.0.0.1:${bot.port}/slack/events`);
    const d = await forged.command({ userId: ADA, channelId: GENERAL, command: "/wl", text: "help", responseUrl: "http://127.0.0.1:9/x", triggerId: "t" });
    expect(d).toMatchObject({ ok: true, status: 401 });
  });

  it("a person without a role gets the bot's refusal", async () => {
    await ui("command", { user: GUS, channel: GENERAL, text: "/wl new" });
    await waitFor(() => /ask an admin for access/i.test(lastBotText(GUS)), "the refusal");
  });

  it("escapes command text as Slack does (should_escape): mentions become <@U…|name>, & < > entities", async () => {
    await ui("command", { user: ADA, channel: GENERAL, text: "/wl role @sam staff" });
    await waitFor(() => /now has the role|already/i.test(lastBotText(ADA)), "the role answer");
    expect(lastBotText(ADA)).toContain("staff");
    await ui("command", { user: ADA, channel: GENERAL, text: "/wl find <b>&" });
    await waitFor(() => ws().log.some((l) => l.text.startsWith("/wl find &lt;b&gt;&amp;")), "the escaped command");
  });

  it("unknown slash commands get Slack's own answer, and ordinary text is just a message", async () => {
    await ui("command", { user: SAM, channel: GENERAL, text: "/giphy cats" });
    await waitFor(
      () =>
        ws()
          .messagesFor(SAM, GENERAL)
          .some((m) => m.kind === "slackbot" && m.text.includes("`/giphy` is not a valid command")),
      "Slackbot",
    );
    await ui("command", { user: SAM, channel: GENERAL, text: "hello team" });
    expect(
      ws()
        .messagesFor(ADA, GENERAL)
        .some((m) => m.user === SAM && m.text === "hello team"),
    ).toBe(true);
    expect(await ui("command", { user: SAM, channel: dmChannelId(SAM), text: "/wl help" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/read-only/),
    });
  });
});

describe("modals: views.open with the command's trigger, view_submission, response_action", () => {
  const fill = (blocks: Json[], overrides: Record<string, string>) => {
    const drafts: Record<string, Record<string, string>> = {};
    for (const b of blocks) {
      if (b.type !== "input" || b.optional) continue;
      const el = b.element as Json;
      const id = String(b.block_id);
      const value =
        overrides[id] ??
        (el.type === "static_select"
          ? String(((el.initial_option ?? (el.options as Json[])[0]) as Json).value)
          : el.type === "datepicker"
            ? "2026-12-01"
            : `Demo ${id}`);
      drafts[id] = { [String(el.action_id)]: value };
    }
    return drafts;
  };

  it("walks the New creator modal: Slack's required check, the bot's inline errors, then a saved creator", async () => {
    await ui("command", { user: SAM, channel: GENERAL, text: "/wl new" });
    const modal = await waitFor(() => topModal(SAM), "the New creator modal");
    expect(modal.def.callback_id).toBe("creator_new");
    const blocks = modal.def.blocks as Json[];

    const sentBefore = ws().log.filter((l) => l.text.startsWith("view_submission")).length;
    const empty = await ui("submit", { user: SAM, viewId: modal.id, drafts: {} });
    expect(empty).toMatchObject({ ok: false, errors: { creator_name: "Please complete this required field.", creator_email: expect.any(String) } });
    expect(ws().log.filter((l) => l.text.startsWith("view_submission")).length).toBe(sentBefore); // never reached the bot

    const bad = await ui("submit", { user: SAM, viewId: modal.id, drafts: fill(blocks, { creator_email: "not-an-email" }) });
    expect(bad).toMatchObject({ ok: false, errors: { creator_email: expect.any(String) } });
    expect(topModal(SAM)?.errors).toHaveProperty("creator_email");
    expect(await tdb.db.creator.count()).toBe(0);

    const good = await ui("submit", {
      user: SAM,
      viewId: modal.id,
      drafts: fill(blocks, { creator_email: "maya@creators.example", brand_name: "Sandbox Sprouts" }),
    });
    expect(good).toEqual({ ok: true });
    expect(ws().stackOf(SAM)).toHaveLength(0);
    // The form closes at the ack; the creator is created right after it.
    const row = await waitFor(() => tdb.db.creator.findFirst({ where: { creatorEmail: "maya@creators.example" } }), "the created creator");
    expect(row.brandName).toBe("Sandbox Sprouts");
    expect(await tdb.db.auditLog.count({ where: { targetId: row.id, actionType: "CREATE", slackUserId: SAM } })).toBe(1);
  });

  it("a button in an ephemeral message: block_actions with a response_url and a trigger that opens a modal", async () => {
    await ui("command", { user: SAM, channel: GENERAL, text: "/wl show Sandbox Sprouts" });
    const card = await waitFor(() => botMessages(SAM).find((m) => JSON.stringify(m.blocks ?? []).includes('"creator_edit"')), "the creator card");
    const edit = (card.blocks as Json[]).flatMap((b) => ((b.elements as Json[]) ?? []).map((e) => ({ b, e }))).find(({ e }) => e.action_id === "creator_edit")!;
    expect(
      await ui("action", { user: SAM, source: { type: "message", channel: GENERAL, ts: card.ts }, blockId: edit.b.block_id, actionId: "creator_edit" }),
    ).toEqual({ ok: true });
    // A loading view first, filled by views.update once the creator is read.
    const modal = await waitFor(
      () => JSON.stringify(topModal(SAM)?.def.blocks ?? "").includes("Sandbox Sprouts") && topModal(SAM),
      "the filled Edit creator modal",
    );
    expect(modal.def.callback_id).toBe("creator_edit");
    expect(await ui("close", { user: SAM, viewId: modal.id })).toEqual({ ok: true });
    expect(ws().stackOf(SAM)).toHaveLength(0);
  });

  it("App Home: opening the tab sends a signed app_home_opened, and the published view shows", async () => {
    expect(await ui("home", { user: ADA, tab: "home" })).toEqual({ ok: true });
    const home = await waitFor(() => ws().homes.get(ADA), "the App Home");
    expect(home.type).toBe("home");
    const snapshot = (await (await fetch(`${bot.sandboxUrl}ui/state?user=${ADA}`)).json()) as Json;
    expect((snapshot.home as Json).id).toBe(home.id);
  });
});

describe("response_url semantics", () => {
  const post = (id: string, body: unknown) =>
    fetch(`${bot.sandbox.apiUrl.replace(/api\/$/, "")}response/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  function original(opts: { ephemeral: boolean }) {
    const m = ws().post({ channel: GENERAL, ts: ws().newTs(), user: ws().bot.userId, text: "original", ...(opts.ephemeral ? { ephemeralTo: ADA } : {}) });
    const r = ws().issueResponseUrl({ kind: "action", userId: ADA, channel: GENERAL, originalTs: m.ts });
    return { m, id: r.id };
  }

  it("replace_original replaces the clicked message and keeps it ephemeral; delete_original removes it", async () => {
    const { m, id } = original({ ephemeral: true });
    expect((await post(id, { replace_original: true, response_type: "in_channel", text: "replaced" })).status).toBe(200);
    expect(ws().find(GENERAL, m.ts)).toMatchObject({ text: "replaced", ephemeralTo: ADA, edited: true });
    expect((await post(id, { delete_original: true })).status).toBe(200);
    expect(ws().find(GENERAL, m.ts)).toBeUndefined();
    expect((await post(id, { delete_original: true })).status).toBe(404);
  });

  it("without replace_original posts a new message: ephemeral to the clicker by default, in_channel for everyone", async () => {
    const { m, id } = original({ ephemeral: false });
    await post(id, { text: "just for ada" });
    await post(id, { response_type: "in_channel", text: "for everyone" });
    expect(ws().find(GENERAL, m.ts)?.text).toBe("original");
    expect(
      ws()
        .messagesFor(ADA, GENERAL)
        .map((x) => x.text),
    ).toEqual(expect.arrayContaining(["just for ada", "for everyone"]));
    expect(
      ws()
        .messagesFor(SAM, GENERAL)
        .map((x) => x.text),
    ).toContain("for everyone");
    expect(
      ws()
        .messagesFor(SAM, GENERAL)
        .map((x) => x.text),
    ).not.toContain("just for ada");
  });

  it("delete_original deletes the message that was clicked, not a later answer sent through the same URL", async () => {
    const { m, id } = original({ ephemeral: false });
    await post(id, { response_type: "ephemeral", replace_original: false, text: "the answer" });
    const answer = ws().messagesFor(ADA, GENERAL).at(-1)!;
    await post(id, { delete_original: true });
    expect(ws().find(GENERAL, m.ts)).toBeUndefined();
    expect(ws().find(GENERAL, answer.ts)?.text).toBe("the answer");
    expect(
      ws()
        .log.filter((l) => l.kind === "notice")
        .at(-1)?.text,
    ).toMatch(/delete_original removed the message whose button was clicked, not the answer/);
  });

  it("a slash command's response_url has no original: delete deletes nothing, replace posts anew (with a note)", async () => {
    const r = ws().issueResponseUrl({ kind: "command", userId: ADA, channel: GENERAL });
    const count = ws().messagesFor(ADA, GENERAL).length;
    await post(r.id, { delete_original: true });
    expect(ws().messagesFor(ADA, GENERAL)).toHaveLength(count);
    await post(r.id, { replace_original: true, text: "anew" });
    expect(ws().messagesFor(ADA, GENERAL)).toHaveLength(count + 1);
    expect(
      ws()
        .log.filter((l) => l.kind === "notice")
        .map((l) => l.text)
        .join("\n"),
    ).toMatch(/delete_original on a slash command[\s\S]*replace_original on a slash command/);
  });

  it("refuses what Slack refuses: a sixth use, an unknown URL, blocks over the limits", async () => {
    const { id } = original({ ephemeral: true });
    for (let i = 0; i < 5; i++) expect((await post(id, { text: `n${i}` })).status).toBe(200);
    const sixth = await post(id, { text: "n5" });
    expect([sixth.status, await sixth.text()]).toEqual([404, "used_url"]);
    expect((await post("no-such-url", { text: "x" })).status).toBe(404);
    const { id: id2 } = original({ ephemeral: true });
    const bad = await post(id2, { text: "x", blocks: [{ type: "section", text: { type: "mrkdwn", text: "y".repeat(3001) } }] });
    expect([bad.status, await bad.text()]).toEqual([400, "invalid_blocks"]);
  });
});

describe("the Web API stand-in", () => {
  const client = () => new WebClient(config.slack.botToken, { slackApiUrl: bot.sandbox.apiUrl, retryConfig: { retries: 0 } });

  it("checks the token", async () => {
    await expect(new WebClient("xoxb-wrong", { slackApiUrl: bot.sandbox.apiUrl, retryConfig: { retries: 0 } }).auth.test()).rejects.toThrow(/invalid_auth/);
  });

  it("posts to a user id in the app's DM, refuses what Slack refuses, and keeps ephemeral messages out of chat.update", async () => {
    const c = client();
    const posted = await c.chat.postMessage({ channel: SAM, text: "hi" });
    expect(posted.channel).toBe(dmChannelId(SAM));
    expect(ws().messagesFor(SAM, dmChannelId(SAM)).at(-1)?.text).toBe("hi");
    expect(ws().messagesFor(ADA, dmChannelId(SAM))).toHaveLength(0);
    expect((await c.chat.getPermalink({ channel: posted.channel!, message_ts: posted.ts! })).permalink).toBe(
      `${bot.sandboxUrl}#${posted.channel}/${posted.ts}`,
    );
    await expect(c.chat.postMessage({ channel: GENERAL, text: "x", blocks: Array.from({ length: 51 }, () => ({ type: "divider" })) })).rejects.toThrow(
      /invalid_blocks/,
    );
    await expect(c.chat.postMessage({ channel: "C0NOWHERE", text: "x" })).rejects.toThrow(/channel_not_found/);
    const eph = await c.chat.postEphemeral({ channel: GENERAL, user: SAM, text: "psst" });
    await expect(c.chat.update({ channel: GENERAL, ts: eph.message_ts!, text: "x" })).rejects.toThrow(/message_not_found/);
    await expect(c.chat.delete({ channel: GENERAL, ts: eph.message_ts! })).rejects.toThrow(/message_not_found/);
    await c.chat.update({ channel: posted.channel!, ts: posted.ts!, text: "hi again" });
    expect(ws().find(posted.channel!, posted.ts!)?.text).toBe("hi again");
  });

  it("triggers open one view, for their person; views.update honours hash; views.push stops at three", async () => {
    const c = client();
    const view = { type: "modal" as const, title: { type: "plain_text" as const, text: "Test" }, blocks: [] };
    await expect(c.views.open({ trigger_id: "made-up", view })).rejects.toThrow(/invalid_trigger_id/);
    const t = ws().issueTrigger(SAM);
    const opened = await c.views.open({ trigger_id: t, view });
    await expect(c.views.open({ trigger_id: t, view })).rejects.toThrow(/exchanged_trigger_id/);
    await expect(c.views.update({ view_id: opened.view!.id!, hash: "stale", view })).rejects.toThrow(/hash_conflict/);
    await c.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: { ...view, title: { type: "plain_text", text: "Updated" } } });
    await c.views.push({ trigger_id: ws().issueTrigger(SAM), view });
    await c.views.push({ trigger_id: ws().issueTrigger(SAM), view });
    await expect(c.views.push({ trigger_id: ws().issueTrigger(SAM), view })).rejects.toThrow(/push_limit_reached/);
    expect(
      ws()
        .stackOf(SAM)
        .map((v) => (v.def.title as Json).text),
    ).toEqual(["Updated", "Test", "Test"]);
    await expect(c.views.open({ trigger_id: ws().issueTrigger(SAM), view: { ...view, title: { type: "plain_text", text: "t".repeat(25) } } })).rejects.toThrow(
      /invalid_arguments/,
    );
    ws().stackOf(SAM).splice(0);
  });

  it("takes file uploads the way the WebClient sends them, and serves them back as inert text", async () => {
    const c = client();
    const res = await c.filesUploadV2({
      channel_id: dmChannelId(SAM),
      filename: "report.md",
      title: "Brand report",
      content: "# Report\n<script>alert(1)</script>",
      initial_comment: "Here it is",
    });
    expect(res.ok).toBe(true);
    const msg = ws().messagesFor(SAM, dmChannelId(SAM)).at(-1)!;
    expect(msg).toMatchObject({ text: "Here it is", files: [{ title: "Brand report", name: "report.md" }] });
    const file = await fetch(`${bot.sandboxUrl}files/${msg.files![0]!.id}`);
    expect(file.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await file.text()).toBe("# Report\n<script>alert(1)</script>");
  });

  it("uploadFile: a CSV streamed to the DM downloads as an attachment; a PNG shows as an image; a wrong length is refused", async () => {
    const c = client();
    const csv = Buffer.from("who,what\nAda,'=cmd\n");
    await uploadFile(c, {
      channelId: dmChannelId(ADA),
      filename: "audit.csv",
      title: "Audit export",
      initialComment: "Your export",
      content: { stream: Readable.from([csv]), length: csv.length },
    });
    const sent = ws().messagesFor(ADA, dmChannelId(ADA)).at(-1)!;
    expect(sent).toMatchObject({ text: "Your export", files: [{ name: "audit.csv", title: "Audit export", size: csv.length }] });
    expect(sent.files![0]!.image).toBeUndefined();
    const dl = await fetch(`${bot.sandboxUrl}files/${sent.files![0]!.id}?download=1`);
    expect(dl.headers.get("content-disposition")).toBe('attachment; filename="audit.csv"');
    expect(dl.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(Buffer.from(await dl.arrayBuffer()).equals(csv)).toBe(true);

    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
    await uploadFile(c, { channelId: dmChannelId(ADA), filename: "chart.txt", title: "Trend", altText: "a chart", content: png });
    const chart = ws().messagesFor(ADA, dmChannelId(ADA)).at(-1)!;
    expect(chart.files![0]!.image).toBe(true);
    const img = await fetch(`${bot.sandboxUrl}files/${chart.files![0]!.id}`);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(img.headers.get("content-security-policy")).toBe("default-src 'none'");

    const short = Buffer.from("abc");
    await expect(
      uploadFile(c, { channelId: dmChannelId(ADA), filename: "x.csv", title: "X", content: { stream: Readable.from([short]), length: 10 } }),
    ).rejects.toThrow();
  });
});

describe("the page's API is for the page only", () => {
  const raw = (opts: { host?: string; contentType?: string; origin?: string }) =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ user: ADA, channel: GENERAL, text: "/wl help" });
      const req = http.request(
        {
          host: "127.0.0.1",
          port: bot.port,
          path: "/sandbox/ui/command",
          method: "POST",
          headers: {
            host: opts.host ?? `127.0.0.1:${bot.port}`,
            "content-type": opts.contentType ?? "application/json",
            ...(opts.origin ? { origin: opts.origin } : {}),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  it("refuses cross-site form posts, other origins and non-loopback Host headers (DNS rebinding)", async () => {
    expect(await raw({ contentType: "text/plain" })).toBe(403);
    expect(await raw({ contentType: "application/x-www-form-urlencoded" })).toBe(403);
    expect(await raw({ origin: "http://evil.example" })).toBe(403);
    expect(await raw({ host: "evil.example" })).toBe(403);
    expect(await raw({ origin: `http://127.0.0.1:${bot.port}` })).toBe(200);
  });
});
