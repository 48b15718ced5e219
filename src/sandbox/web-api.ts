import { normaliseBlocks, validateMessage, validateView, type Json } from "./block-kit.js";
import { dmChannelId } from "./sandbox-users.js";
import type { Message, View, Workspace } from "./workspace.js";

// The Slack Web API methods the bot calls, answered from the workspace. Errors use Slack's
// error codes, so the bot's error handling runs as it would against Slack.

type Answer = Json & { ok: boolean };
type Method = (args: Json) => Answer | Promise<Answer>;

const fail = (error: string, extra: Json = {}): Answer => ({ ok: false, error, ...extra });
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
/** The WebClient sends objects JSON-encoded in form fields; accept either. */
function json<T>(v: unknown): T | undefined {
  if (typeof v !== "string") return v as T | undefined;
  try {
    return JSON.parse(v) as T;
  } catch {
    return undefined;
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Judged by the bytes, not the name the bot gave the file. */
export const isPng = (b: Buffer): boolean => b.subarray(0, 8).equals(PNG_SIGNATURE);

export type WebApiOptions = {
  botToken: string;
  /** The sandbox page's URL (permalinks and file links point at it). */
  pageUrl: () => string;
  /** The sandbox's own listener, which is up before the bot (upload URLs point at it). */
  internalUrl: () => string;
};

export function createWebApi(ws: Workspace, opts: WebApiOptions) {
  const bot = ws.bot;

  function messageBody(args: Json): { text: string; blocks?: Json[]; attachments?: Json[] } | Answer {
    const blocks = json<unknown>(args.blocks);
    const attachments = json<unknown>(args.attachments);
    const text = typeof args.text === "string" ? args.text : "";
    const bad = validateMessage({ text, blocks, attachments });
    if (bad) {
      ws.record("notice", "error", `Slack would refuse this message (${bad.error}): ${bad.messages.slice(0, 5).join("; ") || "no text or blocks"}`);
      return fail(bad.error, bad.messages.length ? { errors: bad.messages, response_metadata: { messages: bad.messages } } : {});
    }
    return {
      text,
      ...(Array.isArray(blocks) && blocks.length ? { blocks: normaliseBlocks(blocks) } : {}),
      ...(Array.isArray(attachments) && attachments.length
        ? { attachments: (attachments as Json[]).map((a) => ({ ...a, blocks: a.blocks ? normaliseBlocks(a.blocks) : undefined })) }
        : {}),
    };
  }
  const isAnswer = (v: unknown): v is Answer => typeof (v as Answer).ok === "boolean";

  /** chat.update / chat.delete address a conversation by id; Slack does not take a user id there. */
  function channelFor(method: string, id: unknown) {
    const c = typeof id === "string" ? ws.resolveChannel(id) : undefined;
    if (c && typeof id === "string" && id !== c.id) {
      ws.record(
        "notice",
        "warn",
        `${method} got a user id (${id}) as channel; Slack wants the DM's channel id (${c.id}, from conversations.open or chat.postMessage's answer)`,
      );
    }
    return c;
  }

  function viewIn(args: Json): { def: Json } | Answer {
    const def = json<Json>(args.view);
    const errors = validateView(def);
    if (errors.length) {
      ws.record("notice", "error", `Slack would refuse this view: ${errors.slice(0, 5).join("; ")}`);
      return fail("invalid_arguments", { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
    }
    return { def: { ...def!, blocks: normaliseBlocks(def!.blocks ?? []) } };
  }

  const methods: Record<string, Method> = {
    "api.test": () => ({ ok: true }),
    "auth.test": () => ({
      ok: true,
      url: `https://${ws.team.domain}.slack.com/`,
      team: ws.team.name,
      user: bot.name,
      team_id: ws.team.id,
      user_id: bot.userId,
      bot_id: bot.botId,
      is_enterprise_install: false,
    }),

    "users.info": (a) => {
      const id = str(a.user);
      if (id === bot.userId)
        return {
          ok: true,
          user: {
            id: bot.userId,
            team_id: ws.team.id,
            name: bot.name,
            real_name: bot.realName,
            is_bot: true,
            profile: { real_name: bot.realName, display_name: bot.realName },
          },
        };
      const u = id ? ws.users.get(id) : undefined;
      return u ? { ok: true, user: ws.userPayload(u) } : fail("user_not_found");
    },
    "users.lookupByEmail": (a) => {
      const email = str(a.email)?.toLowerCase();
      const u = [...ws.users.values()].find((x) => x.email.toLowerCase() === email);
      return u ? { ok: true, user: ws.userPayload(u) } : fail("users_not_found");
    },

    "conversations.open": (a) => {
      const existing = str(a.channel);
      if (existing) {
        const c = ws.channels.get(existing);
        return c?.kind === "im" ? { ok: true, channel: { id: c.id } } : fail("channel_not_found");
      }
      const users = (str(a.users) ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (users.length === 0) return fail("users_list_not_supplied");
      if (users.length > 1) {
        ws.record("notice", "warn", "conversations.open with several users (a group DM) is not modelled by the sandbox");
        return fail("not_supported");
      }
      if (!ws.users.has(users[0]!)) return fail("user_not_found");
      return { ok: true, no_op: true, already_open: true, channel: { id: dmChannelId(users[0]!) } };
    },
    "conversations.info": (a) => {
      const c = ws.channels.get(String(a.channel));
      if (!c) return fail("channel_not_found");
      return {
        ok: true,
        channel: { id: c.id, name: c.name, is_channel: c.kind === "channel", is_im: c.kind === "im", ...(c.userId ? { user: c.userId } : {}) },
      };
    },

    "chat.postMessage": (a) => {
      const c = ws.resolveChannel(String(a.channel ?? ""));
      if (!c) return fail("channel_not_found");
      const body = messageBody(a);
      if (isAnswer(body)) return body;
      const threadTs = str(a.thread_ts);
      const m = ws.post({ channel: c.id, ts: ws.newTs(), user: bot.userId, ...body, ...(threadTs ? { threadTs } : {}) });
      return { ok: true, channel: c.id, ts: m.ts, message: ws.messagePayload(m) };
    },
    "chat.postEphemeral": (a) => {
      const c = ws.resolveChannel(String(a.channel ?? ""));
      if (!c) return fail("channel_not_found");
      const user = str(a.user);
      if (!user || !ws.users.has(user)) return fail("user_not_found");
      if (!ws.canSee(user, c)) return fail("user_not_in_channel");
      const body = messageBody(a);
      if (isAnswer(body)) return body;
      const m = ws.post({ channel: c.id, ts: ws.newTs(), user: bot.userId, ephemeralTo: user, ...body });
      return { ok: true, message_ts: m.ts };
    },
    "chat.update": (a) => {
      const c = channelFor("chat.update", a.channel);
      if (!c) return fail("channel_not_found");
      const m = ws.find(c.id, String(a.ts ?? ""));
      // Ephemeral messages are not addressable by chat.update in Slack; only their response_url can.
      if (!m || m.ephemeralTo !== undefined) return fail("message_not_found");
      if (m.user !== bot.userId) return fail("cant_update_message");
      const body = messageBody({ text: a.text ?? m.text, blocks: a.blocks ?? m.blocks, attachments: a.attachments ?? m.attachments });
      if (isAnswer(body)) return body;
      ws.replace(c.id, m.ts, body);
      return { ok: true, channel: c.id, ts: m.ts, text: body.text, message: ws.messagePayload(m) };
    },
    "chat.delete": (a) => {
      const c = channelFor("chat.delete", a.channel);
      if (!c) return fail("channel_not_found");
      const m = ws.find(c.id, String(a.ts ?? ""));
      if (!m || m.ephemeralTo !== undefined) return fail("message_not_found");
      if (m.user !== bot.userId) return fail("cant_delete_message");
      ws.remove(c.id, m.ts);
      return { ok: true, channel: c.id, ts: m.ts };
    },
    "chat.getPermalink": (a) => {
      const c = channelFor("chat.getPermalink", a.channel);
      const ts = String(a.message_ts ?? "");
      if (!c) return fail("channel_not_found");
      if (!ws.find(c.id, ts)) return fail("message_not_found");
      return { ok: true, channel: c.id, permalink: `${opts.pageUrl()}#${c.id}/${ts}` };
    },

    "views.open": (a) => {
      const t = ws.useTrigger(a.trigger_id ?? a.interactivity_pointer);
      if ("error" in t) return fail(t.error);
      const v = viewIn(a);
      if (isAnswer(v)) return v;
      if (v.def.type !== "modal") return fail("invalid_arguments", { response_metadata: { messages: ["[ERROR] must be modal [json-pointer:/view/type]"] } });
      const stack = ws.stackOf(t.userId);
      if (stack.length) ws.record("notice", "warn", "views.open while a modal was open: Slack replaces the stack; views.push keeps the way back");
      const id = ws.newId("V");
      const view: View = { id, userId: t.userId, type: "modal", def: v.def, hash: ws.newHash(), rootViewId: id, previousViewId: null };
      stack.splice(0, stack.length, view);
      ws.changed();
      return { ok: true, view: ws.viewPayload(view) };
    },
    "views.push": (a) => {
      const t = ws.useTrigger(a.trigger_id ?? a.interactivity_pointer);
      if ("error" in t) return fail(t.error);
      const stack = ws.stackOf(t.userId);
      if (stack.length === 0) return fail("not_found");
      if (stack.length >= 3) return fail("push_limit_reached");
      const v = viewIn(a);
      if (isAnswer(v)) return v;
      const top = stack[stack.length - 1]!;
      const view: View = {
        id: ws.newId("V"),
        userId: t.userId,
        type: "modal",
        def: v.def,
        hash: ws.newHash(),
        rootViewId: top.rootViewId,
        previousViewId: top.id,
      };
      stack.push(view);
      ws.changed();
      return { ok: true, view: ws.viewPayload(view) };
    },
    "views.update": (a) => {
      const target = ws.findView(str(a.view_id), str(a.external_id));
      if (!target) return fail("not_found");
      if (str(a.hash) && a.hash !== target.hash) return fail("hash_conflict");
      const v = viewIn(a);
      if (isAnswer(v)) return v;
      if (v.def.type !== target.type)
        return fail("invalid_arguments", { response_metadata: { messages: [`[ERROR] must be ${target.type} [json-pointer:/view/type]`] } });
      target.def = v.def;
      target.hash = ws.newHash();
      target.errors = undefined;
      target.banner = undefined;
      ws.changed();
      return { ok: true, view: ws.viewPayload(target) };
    },
    "views.publish": (a) => {
      const userId = str(a.user_id);
      if (!userId || !ws.users.has(userId)) return fail("user_not_found");
      const v = viewIn(a);
      if (isAnswer(v)) return v;
      if (v.def.type !== "home") return fail("invalid_arguments", { response_metadata: { messages: ["[ERROR] must be home [json-pointer:/view/type]"] } });
      const current = ws.homes.get(userId);
      if (current && str(a.hash) && a.hash !== current.hash) return fail("hash_conflict");
      const id = current?.id ?? ws.newId("V");
      const view: View = { id, userId, type: "home", def: v.def, hash: ws.newHash(), rootViewId: id, previousViewId: null };
      ws.homes.set(userId, view);
      ws.changed();
      return { ok: true, view: ws.viewPayload(view) };
    },

    "files.getUploadURLExternal": (a) => {
      const filename = str(a.filename);
      const length = Number(a.length);
      if (!filename) return fail("invalid_arguments");
      if (!Number.isInteger(length) || length < 0) return fail("invalid_arguments");
      const id = ws.newId("F");
      ws.files.set(id, { id, name: filename, title: filename, size: length, content: null, created: Date.now(), uploadedBy: bot.userId });
      return { ok: true, upload_url: `${opts.internalUrl()}upload/${id}`, file_id: id };
    },
    "files.completeUploadExternal": (a) => {
      const list = json<{ id: string; title?: string }[]>(a.files) ?? [];
      const files = list.map((f) => ({ req: f, file: ws.files.get(f.id) }));
      if (files.length === 0 || files.some((f) => !f.file)) return fail("file_not_found");
      if (files.some((f) => f.file!.content === null)) return fail("file_upload_not_found");
      for (const f of files) if (f.req.title) f.file!.title = f.req.title;
      const channelId = str(a.channel_id) ?? str(a.channels)?.split(",")[0];
      if (channelId) {
        const c = channelFor("files.completeUploadExternal", channelId);
        if (!c) return fail("channel_not_found");
        const comment = typeof a.initial_comment === "string" ? a.initial_comment : "";
        const threadTs = str(a.thread_ts);
        const m: Message = {
          channel: c.id,
          ts: ws.newTs(),
          user: bot.userId,
          text: comment,
          files: files.map(({ file }) => ({
            id: file!.id,
            name: file!.name,
            title: file!.title,
            size: file!.size,
            ...(isPng(file!.content!) ? { image: true } : {}),
          })),
          ...(threadTs ? { threadTs } : {}),
        };
        ws.post(m);
      }
      return {
        ok: true,
        files: files.map(({ file }) => ({
          id: file!.id,
          name: file!.name,
          title: file!.title,
          size: file!.size,
          permalink: `${opts.pageUrl()}files/${file!.id}`,
          url_private: `${opts.pageUrl()}files/${file!.id}`,
        })),
      };
    },
  };

  return {
    /** One Web API call: the token checked as Slack checks it, then the method. */
    async call(method: string, args: Json, token: string | undefined): Promise<Answer> {
      let answer: Answer;
      if (!token) answer = fail("not_authed");
      else if (token !== opts.botToken) answer = fail("invalid_auth");
      else {
        const fn = methods[method];
        if (!fn) {
          ws.record("notice", "warn", `the bot called ${method}, which the sandbox does not implement`);
          answer = fail("unknown_method");
        } else answer = await fn(args);
      }
      ws.record("api", answer.ok ? "info" : "warn", `${method} → ${answer.ok ? "ok" : String(answer.error)}`);
      return answer;
    },
    methods: Object.keys(methods),
  };
}

export type WebApi = ReturnType<typeof createWebApi>;
