import {
  actionFor,
  buildStateValues,
  clientSideErrors,
  findElement,
  isInteractive,
  normaliseBlocks,
  validateMessage,
  validateView,
  type Draft,
  type Drafts,
  type Json,
} from "./block-kit.js";
import type { BotLink, Delivery } from "./bot-link.js";
import { PICKER } from "../slack/ids.js";
import { dmChannelId } from "./sandbox-users.js";
import { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS, type Message, type View, type Workspace } from "./workspace.js";

// What a person does on the page, turned into what Slack would send the bot, and what Slack
// does with the bot's answers: ack bodies, response_action, and posts to response_url.

export type Outcome = { ok: true; note?: string; options?: Json[] } | { ok: false; error: string; errors?: Record<string, string> };

/** The app's shortcuts as manifest.yml declares them: the page's shortcut menu and message menu. */
export const SHORTCUTS: readonly { name: string; type: "global" | "message"; callbackId: string }[] = [
  { name: "Find a creator", type: "global", callbackId: PICKER.findCreator },
  { name: "Log to creator", type: "message", callbackId: PICKER.logToCreator },
];

const TROUBLE = "We had some trouble connecting. Try again?";
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const truthy = (v: unknown) => v === true || v === "true";

/** Slack's escaping of command text (`should_escape: true` in the manifest). */
export function escapeCommandText(text: string, ws: Pick<Workspace, "users" | "channels">): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped
    .replace(/(^|\s)@(here|channel|everyone)\b/g, (_m, pre: string, k: string) => `${pre}<!${k}>`)
    .replace(/(^|\s)@([a-z0-9._-]+)/gi, (m, pre: string, name: string) => {
      const u = [...ws.users.values()].find((x) => x.name.toLowerCase() === name.toLowerCase());
      return u ? `${pre}<@${u.id}|${u.name}>` : m;
    })
    .replace(/(^|\s)#([a-z0-9._-]+)/gi, (m, pre: string, name: string) => {
      const c = [...ws.channels.values()].find((x) => x.kind === "channel" && x.name === name.toLowerCase());
      return c ? `${pre}<#${c.id}|${c.name}>` : m;
    });
}

export function createInteractions(ws: Workspace, link: BotLink, opts: { responseUrlBase: () => string }) {
  const bot = ws.bot;
  // Slack remembers the options the app answered for an external_select, so a pick submits
  // the option's text and value; per person, the latest answer for each value.
  const suggested = new Map<string, Map<string, Json>>();
  const lookupFor = (userId: string) => (value: string) => suggested.get(userId)?.get(value) ?? null;

  function slackbotSays(userId: string, channel: string, text: string): void {
    ws.post({ channel, ts: ws.newTs(), user: "USLACKBOT", text, ephemeralTo: userId, kind: "slackbot" });
  }

  function failureText(d: Delivery, what: string): string | null {
    if (!d.ok) return `${what} failed with the error "${d.reason === "operation_timeout" ? "operation_timeout" : "dispatch_failed"}"`;
    if (d.status !== 200) return `${what} failed with the error "dispatch_failed" (HTTP ${d.status})`;
    return null;
  }

  /** A message body from an ack or a response_url post, checked as Slack checks it. */
  function messageFrom(body: Json): { text: string; blocks?: Json[]; attachments?: Json[] } | { error: string; messages: string[] } {
    const bad = validateMessage(body);
    if (bad) return bad;
    return {
      text: typeof body.text === "string" ? body.text : "",
      ...(Array.isArray(body.blocks) && body.blocks.length ? { blocks: normaliseBlocks(body.blocks) } : {}),
      ...(Array.isArray(body.attachments) && body.attachments.length ? { attachments: body.attachments as Json[] } : {}),
    };
  }

  function containerBlocks(userId: string, source: Json): { message?: Message; view?: View; blocks: Json[] } | null {
    if (source.type === "message") {
      const channel = ws.channels.get(String(source.channel));
      const m = channel && ws.canSee(userId, channel) ? ws.find(channel.id, String(source.ts)) : undefined;
      if (!m || (m.ephemeralTo !== undefined && m.ephemeralTo !== userId)) return null;
      return { message: m, blocks: m.blocks ?? [] };
    }
    if (source.type === "view") {
      const stack = ws.stackOf(userId);
      const top = stack[stack.length - 1];
      const home = ws.homes.get(userId);
      const v = top?.id === source.viewId ? top : home?.id === source.viewId ? home : undefined;
      if (!v) return null;
      return { view: v, blocks: (v.def.blocks as Json[]) ?? [] };
    }
    return null;
  }

  return {
    async command(a: { userId: string; channelId: string; text: string }): Promise<Outcome> {
      const channel = ws.channels.get(a.channelId);
      if (!ws.users.has(a.userId) || !channel || !ws.canSee(a.userId, channel)) return { ok: false, error: "unknown person or conversation" };
      const raw = a.text.trim();
      if (raw === "") return { ok: false, error: "empty message" };
      if (channel.kind === "im") return { ok: false, error: "This app's Messages tab is read-only (see manifest.yml); type commands in #general." };
      if (!raw.startsWith("/")) {
        ws.post({ channel: channel.id, ts: ws.newTs(), user: a.userId, text: escapeCommandText(raw, ws) });
        return { ok: true, note: "posted as a message; the bot only listens to /wl" };
      }
      const command = raw.split(/\s+/)[0]!;
      ws.post({ channel: channel.id, ts: ws.newTs(), user: a.userId, text: raw, ephemeralTo: a.userId, kind: "command" });
      if (command !== "/wl") {
        slackbotSays(
          a.userId,
          channel.id,
          `\`${command}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
        );
        return { ok: true };
      }
      const text = escapeCommandText(raw.slice(command.length).trim(), ws);
      const r = ws.issueResponseUrl({ kind: "command", userId: a.userId, channel: channel.id });
      const d = await link.command({
        userId: a.userId,
        channelId: channel.id,
        command,
        text,
        responseUrl: `${opts.responseUrlBase()}${r.id}`,
        triggerId: ws.issueTrigger(a.userId),
      });
      const failed = failureText(d, command);
      if (failed) {
        slackbotSays(a.userId, channel.id, failed);
        return { ok: false, error: failed };
      }
      // A non-empty ack body is shown as the answer, as Slack does.
      if (d.ok && d.body.trim() !== "") {
        let body: Json;
        try {
          const parsed = JSON.parse(d.body) as unknown;
          body = isObj(parsed) ? parsed : { text: d.body };
        } catch {
          body = { text: d.body };
        }
        const m = messageFrom(body);
        if ("error" in m) ws.record("notice", "error", `the command's ack body is not a message Slack accepts (${m.error})`);
        else
          ws.post({ channel: channel.id, ts: ws.newTs(), user: bot.userId, ...m, ...(body.response_type === "in_channel" ? {} : { ephemeralTo: a.userId }) });
      }
      return { ok: true };
    },

    async action(a: { userId: string; source: Json; blockId: string; actionId: string; picked?: Draft; drafts?: Drafts }): Promise<Outcome> {
      const c = containerBlocks(a.userId, a.source);
      if (!c) return { ok: false, error: "That message or view is gone." };
      const found = findElement(c.blocks, a.blockId, a.actionId);
      if (!found || !isInteractive(found.element)) return { ok: false, error: "No such element." };
      const action = actionFor(found.block, found.element, a.picked, ws.newTs(), lookupFor(a.userId));
      const state = buildStateValues(c.blocks, a.drafts ?? {}, lookupFor(a.userId));
      const triggerId = ws.issueTrigger(a.userId);
      let d: Delivery;
      if (c.message) {
        const m = c.message;
        const channel = ws.channels.get(m.channel)!;
        const r = ws.issueResponseUrl({ kind: "action", userId: a.userId, channel: m.channel, originalTs: m.ts });
        d = await link.blockActions({
          userId: a.userId,
          triggerId,
          action,
          container: { type: "message", message_ts: m.ts, channel_id: m.channel, is_ephemeral: m.ephemeralTo !== undefined },
          channel: { id: channel.id, name: channel.kind === "im" ? "directmessage" : channel.name },
          ...(m.ephemeralTo === undefined ? { message: ws.messagePayload(m) } : {}),
          state,
          responseUrl: `${opts.responseUrlBase()}${r.id}`,
        });
      } else {
        const v = c.view!;
        d = await link.blockActions({ userId: a.userId, triggerId, action, container: { type: "view", view_id: v.id }, view: ws.viewPayload(v, state) });
      }
      const failed = failureText(d, "The app");
      return failed ? { ok: false, error: `${failed}. Slack shows a warning next to the button.` } : { ok: true };
    },

    /** Typing into an external_select: a block_suggestion, whose ack must carry the options within 3 s. */
    async options(a: { userId: string; source: Json; blockId: string; actionId: string; value: string; drafts?: Drafts }): Promise<Outcome> {
      const c = containerBlocks(a.userId, a.source);
      if (!c) return { ok: false, error: "That message or view is gone." };
      const found = findElement(c.blocks, a.blockId, a.actionId);
      if (found?.element.type !== "external_select") return { ok: false, error: "No such menu." };
      const min = typeof found.element.min_query_length === "number" ? found.element.min_query_length : 3;
      if (Array.from(a.value).length < min) return { ok: true, options: [] };
      const state = buildStateValues(c.blocks, a.drafts ?? {}, lookupFor(a.userId));
      const d = c.message
        ? await link.blockSuggestion({
            userId: a.userId,
            actionId: a.actionId,
            blockId: a.blockId,
            value: a.value,
            container: { type: "message", message_ts: c.message.ts, channel_id: c.message.channel },
            channel: { id: c.message.channel, name: ws.channels.get(c.message.channel)?.name ?? "" },
          })
        : await link.blockSuggestion({
            userId: a.userId,
            actionId: a.actionId,
            blockId: a.blockId,
            value: a.value,
            container: { type: "view", view_id: c.view!.id },
            view: ws.viewPayload(c.view!, state),
          });
      if (!d.ok || d.status !== 200) return { ok: false, error: "The app did not answer with options in time (Slack shows “No results”)." };
      let list: Json[] = [];
      try {
        const body = JSON.parse(d.body || "{}") as Json;
        list = [
          ...(Array.isArray(body.options) ? body.options : []),
          ...(Array.isArray(body.option_groups) ? body.option_groups.flatMap((g: Json) => (Array.isArray(g.options) ? g.options : [])) : []),
        ].filter(isObj);
      } catch {
        ws.record("notice", "error", "the block_suggestion ack body is not JSON; Slack shows no options");
        return { ok: true, options: [] };
      }
      const bad = list.find(
        (o) => !isObj(o.text) || typeof o.text.text !== "string" || o.text.text.length > 75 || typeof o.value !== "string" || o.value.length > 150,
      );
      if (list.length > 100 || bad) {
        ws.record(
          "notice",
          "error",
          `Slack refuses these options (${list.length > 100 ? "more than 100" : "an option's text over 75 characters or a value over 150"}) and shows none`,
        );
        return { ok: true, options: [] };
      }
      const mine = suggested.get(a.userId) ?? new Map<string, Json>();
      for (const o of list) mine.set(String(o.value), { text: o.text, value: o.value });
      suggested.set(a.userId, mine);
      return { ok: true, options: list.map((o) => ({ text: o.text, value: o.value })) };
    },

    /** A shortcut: a global one from the shortcuts menu, or a message one from a message's menu. */
    async shortcut(a: { userId: string; callbackId: string; message?: { channel: string; ts: string } }): Promise<Outcome> {
      const sc = SHORTCUTS.find((x) => x.callbackId === a.callbackId && x.type === (a.message ? "message" : "global"));
      if (!sc) return { ok: false, error: "No such shortcut." };
      const triggerId = ws.issueTrigger(a.userId);
      let d: Delivery;
      if (a.message) {
        const channel = ws.channels.get(a.message.channel);
        const m = channel && ws.canSee(a.userId, channel) ? ws.find(channel.id, a.message.ts) : undefined;
        if (!channel || !m || m.ephemeralTo !== undefined) return { ok: false, error: "That message is gone (ephemeral messages have no shortcuts)." };
        const r = ws.issueResponseUrl({ kind: "command", userId: a.userId, channel: channel.id });
        d = await link.messageAction({
          userId: a.userId,
          callbackId: sc.callbackId,
          triggerId,
          channel: { id: channel.id, name: channel.kind === "im" ? "directmessage" : channel.name },
          message: ws.messagePayload(m),
          responseUrl: `${opts.responseUrlBase()}${r.id}`,
        });
      } else {
        d = await link.shortcut({ userId: a.userId, callbackId: sc.callbackId, triggerId });
      }
      const failed = failureText(d, sc.name);
      return failed ? { ok: false, error: failed } : { ok: true };
    },

    async submit(a: { userId: string; viewId: string; drafts: Drafts }): Promise<Outcome> {
      const stack = ws.stackOf(a.userId);
      const top = stack[stack.length - 1];
      if (!top || top.id !== a.viewId) return { ok: false, error: "That view is no longer open." };
      const blocks = (top.def.blocks as Json[]) ?? [];
      const state = buildStateValues(blocks, a.drafts, lookupFor(a.userId));
      const own = clientSideErrors(blocks, state);
      top.banner = undefined;
      if (Object.keys(own).length) {
        top.errors = own;
        ws.changed();
        return { ok: false, error: "required fields", errors: own };
      }
      top.errors = undefined;
      const d = await link.viewSubmission({ userId: a.userId, triggerId: ws.issueTrigger(a.userId), view: ws.viewPayload(top, state) });
      if (!d.ok || d.status !== 200) {
        top.banner = TROUBLE;
        ws.changed();
        return { ok: false, error: TROUBLE };
      }
      let body: Json = {};
      if (d.body.trim() !== "") {
        try {
          const parsed = JSON.parse(d.body) as unknown;
          if (isObj(parsed)) body = parsed;
        } catch {
          ws.record("notice", "error", "the view_submission ack body is not JSON; Slack shows an error in the modal");
          top.banner = TROUBLE;
          ws.changed();
          return { ok: false, error: TROUBLE };
        }
      }
      const action = body.response_action;
      if (action === "errors") {
        const errors = isObj(body.errors) ? (body.errors as Record<string, string>) : {};
        const inputIds = new Set(blocks.filter((b) => b.type === "input").map((b) => String(b.block_id)));
        const stray = Object.keys(errors).filter((k) => !inputIds.has(k));
        if (stray.length || Object.keys(errors).length === 0) {
          ws.record(
            "notice",
            "error",
            `response_action "errors" names ${stray.length ? `blocks that are not inputs of this view (${stray.join(", ")})` : "no block"}; Slack rejects it`,
          );
          top.banner = TROUBLE;
        } else {
          top.errors = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, String(v)]));
        }
        ws.changed();
        return { ok: false, error: "the app returned errors", errors: top.errors ?? {} };
      }
      if (action === "update" || action === "push") {
        const problems = validateView(body.view);
        if (problems.length) {
          ws.record("notice", "error", `response_action "${action}" with a view Slack would refuse: ${problems.slice(0, 5).join("; ")}`);
          top.banner = TROUBLE;
          ws.changed();
          return { ok: false, error: TROUBLE };
        }
        const def = { ...(body.view as Json), blocks: normaliseBlocks((body.view as Json).blocks ?? []) };
        if (action === "update") {
          top.def = def;
          top.hash = ws.newHash();
        } else if (stack.length >= 3) {
          ws.record("notice", "error", "response_action push beyond Slack's limit of 3 stacked views");
          top.banner = TROUBLE;
        } else {
          stack.push({ id: ws.newId("V"), userId: a.userId, type: "modal", def, hash: ws.newHash(), rootViewId: top.rootViewId, previousViewId: top.id });
        }
        ws.changed();
        return { ok: true };
      }
      if (action === "clear") stack.splice(0, stack.length);
      else stack.pop(); // an empty ack closes the current view
      ws.changed();
      return { ok: true };
    },

    async close(a: { userId: string; viewId: string }): Promise<Outcome> {
      const stack = ws.stackOf(a.userId);
      const top = stack[stack.length - 1];
      if (!top || top.id !== a.viewId) return { ok: false, error: "That view is no longer open." };
      const clear = Boolean(top.def.clear_on_close);
      if (clear) stack.splice(0, stack.length);
      else stack.pop();
      ws.changed();
      if (top.def.notify_on_close) await link.viewClosed({ userId: a.userId, view: ws.viewPayload(top), isCleared: clear });
      return { ok: true };
    },

    async homeOpened(a: { userId: string; tab: "home" | "messages" }): Promise<Outcome> {
      if (!ws.users.has(a.userId)) return { ok: false, error: "unknown person" };
      const home = ws.homes.get(a.userId);
      const d = await link.event({
        type: "app_home_opened",
        user: a.userId,
        channel: dmChannelId(a.userId),
        tab: a.tab,
        ...(home ? { view: ws.viewPayload(home) } : {}),
        event_ts: ws.newTs(),
      });
      return d.ok && d.status === 200 ? { ok: true } : { ok: false, error: "the app did not acknowledge app_home_opened" };
    },

    /** A POST to a response_url, with Slack's semantics for the original message. */
    respond(id: string, raw: string, contentType: string): { status: number; body: string } {
      const r = ws.responseUrls.get(id);
      if (!r || ws.now() - r.created > RESPONSE_URL_TTL_MS) return { status: 404, body: "expired_url" };
      if (r.uses >= RESPONSE_URL_MAX_USES) {
        ws.record("notice", "error", `a response_url was used more than ${RESPONSE_URL_MAX_USES} times; Slack refuses that`);
        return { status: 404, body: "used_url" };
      }
      r.uses++;
      let body: Json;
      try {
        const text = contentType.includes("application/x-www-form-urlencoded") ? (new URLSearchParams(raw).get("payload") ?? "") : raw;
        const parsed = JSON.parse(text) as unknown;
        if (!isObj(parsed)) throw new Error("not an object");
        body = parsed;
      } catch {
        return { status: 400, body: "invalid_payload" };
      }
      const original = r.originalTs ? ws.find(r.channel, r.originalTs) : undefined;
      ws.record(
        "api",
        "info",
        `response_url ← ${truthy(body.delete_original) ? "delete_original" : truthy(body.replace_original) ? "replace_original" : `new ${body.response_type === "in_channel" ? "in_channel" : "ephemeral"} message`}`,
      );

      if (truthy(body.delete_original)) {
        if (r.kind === "command") {
          ws.record("notice", "warn", "delete_original on a slash command's response_url: there is no original message, so Slack deletes nothing");
          return { status: 200, body: "ok" };
        }
        if (r.answers.some((ts) => ws.find(r.channel, ts))) {
          // The classic mistake: answer with a new (ephemeral) message, then "delete the original"
          // expecting the answer to go. Slack deletes the clicked message and leaves the answer.
          ws.record(
            "notice",
            "warn",
            "delete_original removed the message whose button was clicked, not the answer this response_url posted earlier; that answer stays (Slack cannot delete an ephemeral message any other way). To remove an answer later, send it with replace_original: true.",
          );
        }
        if (!original) return { status: 404, body: "message_not_found" };
        ws.remove(r.channel, original.ts);
        return { status: 200, body: "ok" };
      }
      const m = messageFrom(body);
      if ("error" in m) {
        ws.record("notice", "error", `Slack would refuse this response_url message (${m.error}): ${m.messages.slice(0, 5).join("; ")}`);
        return { status: 400, body: m.error };
      }
      if (truthy(body.replace_original)) {
        if (r.kind === "action") {
          if (!original) return { status: 404, body: "message_not_found" };
          // The replacement keeps the original's audience: an ephemeral stays ephemeral.
          ws.replace(r.channel, original.ts, m);
          return { status: 200, body: "ok" };
        }
        ws.record("notice", "warn", "replace_original on a slash command's response_url: there is no original, so Slack posts a new message");
      }
      const inChannel = body.response_type === "in_channel";
      const posted = ws.post({ channel: r.channel, ts: ws.newTs(), user: bot.userId, ...m, ...(inChannel ? {} : { ephemeralTo: r.userId }) });
      r.answers.push(posted.ts);
      return { status: 200, body: "ok" };
    },
  };
}

export type Interactions = ReturnType<typeof createInteractions>;
