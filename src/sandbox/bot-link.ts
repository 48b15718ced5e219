import { randomBytes } from "node:crypto";
import { signSlackRequest } from "../slack/signature.js";
import type { Json } from "./block-kit.js";
import type { Workspace } from "./workspace.js";

// What Slack sends the app, byte for byte in shape: slash commands as form fields, interactivity
// as a form-encoded `payload=`, events as JSON, each signed with the v0 signature over the exact
// body. The bot verifies these with its production receiver; nothing here bypasses it.

/** Slack gives the app 3 seconds to acknowledge, then tells the person it failed. */
export const ACK_TIMEOUT_MS = 3_000;
const VERIFICATION_TOKEN = "sandbox-verification-token";

export type Delivery = { ok: true; status: number; body: string; ms: number } | { ok: false; reason: "operation_timeout" | "unreachable"; ms: number };

export class BotLink {
  private eventsUrl: string | undefined;

  constructor(
    private readonly ws: Workspace,
    private readonly signingSecret: string,
    private readonly now: () => number = Date.now,
  ) {}

  connect(eventsUrl: string): void {
    this.eventsUrl = eventsUrl;
  }

  get connected(): boolean {
    return this.eventsUrl !== undefined;
  }

  private async send(body: string, contentType: string, label: string): Promise<Delivery> {
    const started = Date.now();
    if (!this.eventsUrl) return { ok: false, reason: "unreachable", ms: 0 };
    try {
      const res = await fetch(this.eventsUrl, {
        method: "POST",
        headers: { "content-type": contentType, ...signSlackRequest(this.signingSecret, body, Math.floor(this.now() / 1000)) },
        body,
        signal: AbortSignal.timeout(ACK_TIMEOUT_MS),
      });
      const text = await res.text();
      const ms = Date.now() - started;
      this.ws.record("request", res.status === 200 ? "info" : "error", `${label} → HTTP ${res.status} in ${ms} ms`);
      return { ok: true, status: res.status, body: text, ms };
    } catch (e) {
      const ms = Date.now() - started;
      const timeout = (e as Error).name === "TimeoutError" || (e as Error).name === "AbortError";
      this.ws.record(
        "request",
        "error",
        `${label} → ${timeout ? `no answer within ${ACK_TIMEOUT_MS} ms (Slack: operation_timeout)` : `unreachable (${(e as Error).message})`}`,
      );
      return { ok: false, reason: timeout ? "operation_timeout" : "unreachable", ms };
    }
  }

  private interactivity(payload: Json, label: string): Promise<Delivery> {
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded", label);
  }

  private userRef(userId: string): Json {
    const u = this.ws.users.get(userId);
    return { id: userId, username: u?.name ?? userId, name: u?.name ?? userId, team_id: this.ws.team.id };
  }

  private get teamRef(): Json {
    return { id: this.ws.team.id, domain: this.ws.team.domain };
  }

  command(a: { userId: string; channelId: string; command: string; text: string; responseUrl: string; triggerId: string }): Promise<Delivery> {
    const channel = this.ws.channels.get(a.channelId);
    const body = new URLSearchParams({
      token: VERIFICATION_TOKEN,
      team_id: this.ws.team.id,
      team_domain: this.ws.team.domain,
      channel_id: a.channelId,
      channel_name: channel?.kind === "im" ? "directmessage" : (channel?.name ?? ""),
      user_id: a.userId,
      user_name: this.ws.users.get(a.userId)?.name ?? a.userId,
      command: a.command,
      text: a.text,
      api_app_id: this.ws.bot.appId,
      is_enterprise_install: "false",
      response_url: a.responseUrl,
      trigger_id: a.triggerId,
    }).toString();
    return this.send(body, "application/x-www-form-urlencoded", `${a.command} ${a.text}`.trim().slice(0, 60));
  }

  blockActions(a: {
    userId: string;
    triggerId: string;
    action: Json;
    container: Json;
    channel?: { id: string; name: string };
    message?: Json;
    view?: Json;
    state?: Record<string, Record<string, Json>>;
    responseUrl?: string;
  }): Promise<Delivery> {
    const payload: Json = {
      type: "block_actions",
      user: this.userRef(a.userId),
      api_app_id: this.ws.bot.appId,
      token: VERIFICATION_TOKEN,
      container: a.container,
      trigger_id: a.triggerId,
      team: this.teamRef,
      enterprise: null,
      is_enterprise_install: false,
      ...(a.channel ? { channel: a.channel } : {}),
      ...(a.message ? { message: a.message } : {}),
      ...(a.view ? { view: a.view } : {}),
      ...(a.state ? { state: { values: a.state } } : {}),
      ...(a.responseUrl ? { response_url: a.responseUrl } : {}),
      actions: [a.action],
    };
    return this.interactivity(payload, `block_actions ${String(a.action.action_id)}`);
  }

  viewSubmission(a: { userId: string; triggerId: string; view: Json }): Promise<Delivery> {
    return this.interactivity(
      {
        type: "view_submission",
        team: this.teamRef,
        user: this.userRef(a.userId),
        api_app_id: this.ws.bot.appId,
        token: VERIFICATION_TOKEN,
        trigger_id: a.triggerId,
        view: a.view,
        response_urls: [],
        enterprise: null,
        is_enterprise_install: false,
      },
      `view_submission ${String(a.view.callback_id)}`,
    );
  }

  viewClosed(a: { userId: string; view: Json; isCleared: boolean }): Promise<Delivery> {
    return this.interactivity(
      {
        type: "view_closed",
        team: this.teamRef,
        user: this.userRef(a.userId),
        api_app_id: this.ws.bot.appId,
        token: VERIFICATION_TOKEN,
        view: a.view,
        is_cleared: a.isCleared,
        enterprise: null,
        is_enterprise_install: false,
      },
      `view_closed ${String(a.view.callback_id)}`,
    );
  }

  /** What Slack sends while someone types into an external_select: the ack carries the options. */
  blockSuggestion(a: {
    userId: string;
    actionId: string;
    blockId: string;
    value: string;
    container: Json;
    view?: Json;
    channel?: { id: string; name: string };
  }): Promise<Delivery> {
    return this.interactivity(
      {
        type: "block_suggestion",
        user: this.userRef(a.userId),
        container: a.container,
        api_app_id: this.ws.bot.appId,
        token: VERIFICATION_TOKEN,
        action_id: a.actionId,
        block_id: a.blockId,
        value: a.value,
        team: this.teamRef,
        enterprise: null,
        is_enterprise_install: false,
        ...(a.view ? { view: a.view } : {}),
        ...(a.channel ? { channel: a.channel } : {}),
      },
      `block_suggestion ${a.actionId}`,
    );
  }

  /** A global shortcut from the shortcuts menu. */
  shortcut(a: { userId: string; callbackId: string; triggerId: string }): Promise<Delivery> {
    return this.interactivity(
      {
        type: "shortcut",
        token: VERIFICATION_TOKEN,
        action_ts: this.ws.newTs(),
        team: this.teamRef,
        user: this.userRef(a.userId),
        is_enterprise_install: false,
        enterprise: null,
        callback_id: a.callbackId,
        trigger_id: a.triggerId,
      },
      `shortcut ${a.callbackId}`,
    );
  }

  /** A message shortcut from a message's menu. */
  messageAction(a: {
    userId: string;
    callbackId: string;
    triggerId: string;
    channel: { id: string; name: string };
    message: Json;
    responseUrl: string;
  }): Promise<Delivery> {
    return this.interactivity(
      {
        type: "message_action",
        token: VERIFICATION_TOKEN,
        action_ts: this.ws.newTs(),
        team: this.teamRef,
        user: this.userRef(a.userId),
        channel: a.channel,
        is_enterprise_install: false,
        enterprise: null,
        callback_id: a.callbackId,
        trigger_id: a.triggerId,
        response_url: a.responseUrl,
        message_ts: a.message.ts,
        message: a.message,
      },
      `message_action ${a.callbackId}`,
    );
  }

  event(event: Json): Promise<Delivery> {
    const body = JSON.stringify({
      token: VERIFICATION_TOKEN,
      team_id: this.ws.team.id,
      api_app_id: this.ws.bot.appId,
      event,
      type: "event_callback",
      event_id: `Ev${randomBytes(6).toString("hex").toUpperCase()}`,
      event_time: Math.floor(this.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: this.ws.team.id, user_id: this.ws.bot.userId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: `4-${randomBytes(12).toString("base64url")}`,
    });
    return this.send(body, "application/json", `event ${String(event.type)}`);
  }
}
