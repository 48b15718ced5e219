import { randomBytes } from "node:crypto";
import { DEMO_USERS, GENERAL_CHANNEL, SANDBOX_BOT, SANDBOX_TEAM, dmChannelId, type DemoUser } from "./sandbox-users.js";
import type { Json } from "./block-kit.js";

// The sandbox workspace's state, in memory: who is in it, its conversations and messages, each
// person's open modals and App Home, the triggers and response_urls handed to the bot. Every
// change bumps `version` and tells the listeners (the page's event stream).

export type Channel = { id: string; name: string; kind: "channel" | "im"; userId?: string };

/** `image`: the bytes are a PNG, which the page shows inline. */
export type FileRef = { id: string; name: string; title: string; size: number; image?: boolean };

export type Message = {
  channel: string;
  ts: string;
  /** Author: the bot's user id, or a person's. */
  user: string;
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  files?: FileRef[];
  /** Shown to this person only (chat.postEphemeral, response_url answers). */
  ephemeralTo?: string;
  /** "command": the page's echo of a slash command, never sent to the bot. */
  kind?: "command" | "slackbot";
  threadTs?: string;
  edited?: boolean;
};

export type View = {
  id: string;
  userId: string;
  type: "modal" | "home";
  /** The view as the app sent it (after Slack's fill-ins). */
  def: Json;
  hash: string;
  rootViewId: string;
  previousViewId: string | null;
  /** Inline errors from `response_action: "errors"` (or Slack's own required-field check). */
  errors?: Record<string, string>;
  /** A banner shown in the modal, as Slack shows "We had some trouble connecting". */
  banner?: string;
};

export type ResponseUrl = {
  id: string;
  kind: "command" | "action";
  userId: string;
  channel: string;
  /** The message the clicked element was in (block_actions only). */
  originalTs?: string;
  created: number;
  uses: number;
  /** Messages this URL posted as new answers (not the original). */
  answers: string[];
};

export type StoredFile = FileRef & { content: Buffer | null; created: number; uploadedBy: string };

export type LogEntry = { at: number; kind: "api" | "request" | "notice"; level: "info" | "warn" | "error"; text: string };

const MAX_MESSAGES_PER_CHANNEL = 400;
const MAX_LOG = 300;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_MAX_USES = 5;
export const TRIGGER_TTL_MS = 3_000;

export class Workspace {
  readonly team = SANDBOX_TEAM;
  readonly bot = SANDBOX_BOT;
  readonly users = new Map<string, DemoUser>(DEMO_USERS.map((u) => [u.id, u]));
  readonly channels = new Map<string, Channel>();
  private readonly messages = new Map<string, Message[]>();
  /** Each person's modal stack, bottom first. */
  readonly modals = new Map<string, View[]>();
  readonly homes = new Map<string, View>();
  readonly responseUrls = new Map<string, ResponseUrl>();
  private readonly triggers = new Map<string, { userId: string; expires: number; used: boolean }>();
  readonly files = new Map<string, StoredFile>();
  /** Per person, per conversation: the newest message they have looked at (unread badges). */
  readonly lastRead = new Map<string, Map<string, string>>();
  readonly log: LogEntry[] = [];
  version = 0;
  private readonly listeners = new Set<() => void>();
  private notifyScheduled = false;
  private lastTs = 0;
  private seq = 0;

  constructor(
    extraChannels: readonly { id: string; name: string }[] = [],
    readonly now: () => number = Date.now,
  ) {
    this.addChannel({ id: GENERAL_CHANNEL.id, name: GENERAL_CHANNEL.name, kind: "channel" });
    for (const c of extraChannels) if (!this.channels.has(c.id)) this.addChannel({ ...c, kind: "channel" });
    for (const u of DEMO_USERS) this.addChannel({ id: dmChannelId(u.id), name: `${this.bot.realName} (app)`, kind: "im", userId: u.id });
  }

  private addChannel(c: Channel): void {
    this.channels.set(c.id, c);
    this.messages.set(c.id, []);
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed(): void {
    this.version++;
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    // Coalesce a burst of changes (a reply plus a DM plus a view) into one event for the page.
    setImmediate(() => {
      this.notifyScheduled = false;
      for (const fn of this.listeners) fn();
    });
  }

  record(kind: LogEntry["kind"], level: LogEntry["level"], text: string): void {
    this.log.push({ at: this.now(), kind, level, text });
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
    this.changed();
  }

  newId(prefix: string): string {
    return `${prefix}${(++this.seq).toString(36).toUpperCase().padStart(4, "0")}${randomBytes(3).toString("hex").toUpperCase()}`;
  }

  /** Slack's message timestamps: seconds.micro, unique and increasing. */
  newTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, "0")}`;
  }

  // ---- conversations ----

  /** A channel id, or a user id (Slack posts those to the app's DM with the person). */
  resolveChannel(idOrUser: string): Channel | undefined {
    if (this.channels.has(idOrUser)) return this.channels.get(idOrUser);
    if (this.users.has(idOrUser)) return this.channels.get(dmChannelId(idOrUser));
    return undefined;
  }

  canSee(userId: string, channel: Channel): boolean {
    return channel.kind === "channel" || channel.userId === userId;
  }

  post(m: Message): Message {
    const list = this.messages.get(m.channel)!;
    list.push(m);
    if (list.length > MAX_MESSAGES_PER_CHANNEL) list.splice(0, list.length - MAX_MESSAGES_PER_CHANNEL);
    this.changed();
    return m;
  }

  find(channel: string, ts: string): Message | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  replace(channel: string, ts: string, patch: Partial<Pick<Message, "text" | "blocks" | "attachments">>): Message | undefined {
    const m = this.find(channel, ts);
    if (!m) return undefined;
    m.text = patch.text ?? "";
    m.blocks = patch.blocks;
    m.attachments = patch.attachments;
    m.edited = true;
    this.changed();
    return m;
  }

  remove(channel: string, ts: string): boolean {
    const list = this.messages.get(channel);
    const i = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    this.changed();
    return true;
  }

  messagesFor(userId: string, channelId: string): Message[] {
    const channel = this.channels.get(channelId);
    if (!channel || !this.canSee(userId, channel)) return [];
    return (this.messages.get(channelId) ?? []).filter((m) => m.ephemeralTo === undefined || m.ephemeralTo === userId);
  }

  markRead(userId: string, channelId: string, ts: string): void {
    let m = this.lastRead.get(userId);
    if (!m) {
      m = new Map();
      this.lastRead.set(userId, m);
    }
    if ((m.get(channelId) ?? "0") >= ts) return;
    m.set(channelId, ts);
    this.changed();
  }

  // ---- triggers and response_urls ----

  issueTrigger(userId: string): string {
    const id = `${Math.floor(this.now() / 1000)}.${randomBytes(6).readUIntBE(0, 6)}.${randomBytes(16).toString("hex")}`;
    this.triggers.set(id, { userId, expires: this.now() + TRIGGER_TTL_MS, used: false });
    for (const [k, t] of this.triggers) if (t.expires < this.now() - 60_000) this.triggers.delete(k);
    return id;
  }

  /** A trigger opens one view, for its person, within 3 seconds. */
  useTrigger(id: unknown): { userId: string } | { error: "invalid_trigger_id" | "expired_trigger_id" | "exchanged_trigger_id" } {
    const t = typeof id === "string" ? this.triggers.get(id) : undefined;
    if (!t) return { error: "invalid_trigger_id" };
    if (t.used) return { error: "exchanged_trigger_id" };
    if (this.now() > t.expires) return { error: "expired_trigger_id" };
    t.used = true;
    return { userId: t.userId };
  }

  issueResponseUrl(r: Omit<ResponseUrl, "id" | "created" | "uses" | "answers">): ResponseUrl {
    const entry: ResponseUrl = { ...r, id: randomBytes(18).toString("base64url"), created: this.now(), uses: 0, answers: [] };
    this.responseUrls.set(entry.id, entry);
    for (const [k, v] of this.responseUrls) if (v.created < this.now() - RESPONSE_URL_TTL_MS) this.responseUrls.delete(k);
    return entry;
  }

  // ---- views ----

  stackOf(userId: string): View[] {
    let s = this.modals.get(userId);
    if (!s) {
      s = [];
      this.modals.set(userId, s);
    }
    return s;
  }

  findView(id: unknown, externalId?: unknown): View | undefined {
    for (const stack of this.modals.values()) {
      const v = stack.find((x) => (id !== undefined && x.id === id) || (externalId !== undefined && x.def.external_id === externalId));
      if (v) return v;
    }
    for (const v of this.homes.values()) if ((id !== undefined && v.id === id) || (externalId !== undefined && v.def.external_id === externalId)) return v;
    return undefined;
  }

  newHash(): string {
    return `${Math.floor(this.now() / 1000)}.${randomBytes(6).toString("base64url")}`;
  }

  /** A view as Slack echoes it back (views.* answers and interaction payloads). */
  viewPayload(v: View, state: Record<string, Record<string, Json>> = {}): Json {
    const d = v.def;
    return {
      id: v.id,
      team_id: this.team.id,
      type: v.type,
      blocks: d.blocks ?? [],
      private_metadata: d.private_metadata ?? "",
      callback_id: d.callback_id ?? "",
      state: { values: state },
      hash: v.hash,
      title: d.title ?? { type: "plain_text", text: this.bot.realName, emoji: true },
      clear_on_close: Boolean(d.clear_on_close),
      notify_on_close: Boolean(d.notify_on_close),
      close: d.close ?? null,
      submit: d.submit ?? null,
      previous_view_id: v.previousViewId,
      root_view_id: v.rootViewId,
      app_id: this.bot.appId,
      external_id: d.external_id ?? "",
      app_installed_team_id: this.team.id,
      bot_id: this.bot.botId,
    };
  }

  /** A message as Slack includes it in API answers and block_actions payloads. */
  messagePayload(m: Message): Json {
    const fromBot = m.user === this.bot.userId;
    return {
      type: "message",
      ...(fromBot ? { bot_id: this.bot.botId, app_id: this.bot.appId } : {}),
      user: m.user,
      text: m.text,
      ts: m.ts,
      team: this.team.id,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.attachments ? { attachments: m.attachments } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    };
  }

  userPayload(u: DemoUser): Json {
    return {
      id: u.id,
      team_id: this.team.id,
      name: u.name,
      deleted: false,
      real_name: u.realName,
      tz: "Europe/London",
      is_admin: u.role === "admin",
      is_bot: false,
      is_app_user: false,
      profile: { real_name: u.realName, display_name: u.realName, email: u.email, title: u.title, team: this.team.id },
    };
  }
}
