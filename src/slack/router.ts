import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  RespondArguments,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
  ViewClosedAction,
} from "@slack/bolt";
import type { KnownBlock, Block } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { randomBytes } from "node:crypto";
import type { Logger } from "../logger.js";
import type { Actor } from "../identity/actor.js";
import { hasRole, type Role } from "../identity/roles.js";
import { isAppError } from "../errors.js";
import { SLASH_COMMAND } from "./ids.js";
import { esc } from "./mrkdwn.js";
import type { RefusalRecorder } from "./refusals.js";

// One Bolt listener per surface; routing by id happens here in a Map. Bolt runs every
// listener's middleware on every request, so 50 listeners cost ~3x the ack rate.

export type ReplyMessage = { text: string; blocks?: (KnownBlock | Block)[]; replace_original?: boolean };
/** Answers the caller privately, by whatever channel the surface allows. */
export type Reply = (msg: string | ReplyMessage) => Promise<void>;

type Base = { actor: Actor; client: WebClient; logger: Logger; reply: Reply; unavailable?: boolean };

export type CommandCtx = Base & {
  args: string;
  triggerId: string;
  channelId: string;
  body: SlackCommandMiddlewareArgs["body"];
};
export type ActionCtx = Base & {
  action: { action_id: string; value?: string; selected_option?: { value: string } | null };
  body: BlockAction;
  triggerId: string;
};
export type ViewCtx = Base & {
  body: ViewSubmitAction;
  view: ViewSubmitAction["view"];
  /** private_metadata parsed as JSON (the bot writes only JSON there). */
  meta: Record<string, unknown>;
  ack: SlackViewMiddlewareArgs["ack"];
};
export type EventCtx = Base & { event: SlackEventMiddlewareArgs["event"]; body: SlackEventMiddlewareArgs["body"] };

export type CommandSpec = {
  name: string;
  aliases?: string[];
  usage: string;
  description: string;
  minRole: Role;
  /** Hidden from help until true (e.g. a feature that is not configured). */
  handler: (ctx: CommandCtx) => Promise<void>;
};
type Guarded<C> = { minRole: Role; handler: (ctx: C) => Promise<void> };

export class Router {
  readonly commands = new Map<string, CommandSpec>();
  private readonly actions = new Map<string, Guarded<ActionCtx>>();
  private readonly views = new Map<string, Guarded<ViewCtx>>();
  private readonly events = new Map<string, (ctx: EventCtx) => Promise<void>>();

  constructor(private readonly deps: { logger: Logger; refusals: RefusalRecorder }) {}

  command(spec: CommandSpec): this {
    for (const n of [spec.name, ...(spec.aliases ?? [])]) {
      if (this.commands.has(n)) throw new Error(`duplicate command ${n}`);
      this.commands.set(n, spec);
    }
    return this;
  }
  action(actionId: string, minRole: Role, handler: (ctx: ActionCtx) => Promise<void>): this {
    if (this.actions.has(actionId)) throw new Error(`duplicate action ${actionId}`);
    this.actions.set(actionId, { minRole, handler });
    return this;
  }
  view(callbackId: string, minRole: Role, handler: (ctx: ViewCtx) => Promise<void>): this {
    if (this.views.has(callbackId)) throw new Error(`duplicate view ${callbackId}`);
    this.views.set(callbackId, { minRole, handler });
    return this;
  }
  event(type: string, handler: (ctx: EventCtx) => Promise<void>): this {
    this.events.set(type, handler);
    return this;
  }

  /** Commands the role may run, for help; in registration order, once each. */
  commandsFor(role: Role | null): CommandSpec[] {
    return [...new Set(this.commands.values())].filter((c) => hasRole(role, c.minRole));
  }

  usage(): string {
    return `Usage: \`${SLASH_COMMAND} <command>\`. Try \`${SLASH_COMMAND} help\` for the commands you can use.`;
  }

  install(app: App): void {
    app.command(SLASH_COMMAND, async (args) => this.onCommand(args));
    app.action(/.*/, async (args) => this.onAction(args as SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs));
    app.view(/.*/, async (args) => this.onView(args as SlackViewMiddlewareArgs<ViewSubmitAction | ViewClosedAction> & AllMiddlewareArgs));
    for (const type of this.events.keys()) {
      app.event(type, async (args) => this.onEvent(type, args as unknown as SlackEventMiddlewareArgs & AllMiddlewareArgs));
    }
  }

  private async onCommand(a: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    // Ack first: Slack's 3 s clock is running; the answer goes to response_url.
    await a.ack();
    const actor = a.context.actor as Actor;
    const reply = replier(a.respond);
    const text = a.command.text.trim();
    const [first = "help", ...rest] = text.split(/\s+/);
    const spec = this.commands.get(first.toLowerCase());
    const label = `${SLASH_COMMAND} ${spec?.name ?? first.slice(0, 40)}`;
    const ctx: CommandCtx = {
      actor,
      unavailable: a.context.actorUnavailable === true,
      client: a.client,
      logger: a.logger as unknown as Logger,
      reply,
      args: text === "" ? "" : rest.join(" "),
      triggerId: a.command.trigger_id,
      channelId: a.command.channel_id,
      body: a.command,
    };
    await this.guarded(ctx, label, spec ? spec.minRole : "staff", async () => {
      if (!spec) {
        await reply(`I don't know \`${esc(first.slice(0, 40))}\`. ${this.usage()}`);
        return;
      }
      await spec.handler(ctx);
    });
  }

  private async onAction(a: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> {
    await a.ack();
    const action = a.action as ActionCtx["action"];
    const route = this.actions.get(action.action_id);
    if (!route) return; // url buttons and the like: nothing to do
    const ctx: ActionCtx = {
      actor: a.context.actor as Actor,
      unavailable: a.context.actorUnavailable === true,
      client: a.client,
      logger: a.logger as unknown as Logger,
      reply: actionReplier(a),
      action,
      body: a.body,
      triggerId: a.body.trigger_id,
    };
    await this.guarded(ctx, `button ${action.action_id}`, route.minRole, () => route.handler(ctx));
  }

  private async onView(a: SlackViewMiddlewareArgs<ViewSubmitAction | ViewClosedAction> & AllMiddlewareArgs): Promise<void> {
    if (a.body.type !== "view_submission") {
      await a.ack();
      return;
    }
    const route = this.views.get(a.view.callback_id);
    if (!route) {
      await a.ack();
      return;
    }
    let acked = false;
    const ack: ViewCtx["ack"] = async (r?: Parameters<ViewCtx["ack"]>[0]) => {
      if (acked) return;
      acked = true;
      await a.ack(r as never);
    };
    const body = a.body as ViewSubmitAction;
    const userId = body.user.id;
    const ctx: ViewCtx = {
      actor: a.context.actor as Actor,
      unavailable: a.context.actorUnavailable === true,
      client: a.client,
      logger: a.logger as unknown as Logger,
      reply: async (msg) => {
        const m: ReplyMessage = typeof msg === "string" ? { text: msg } : msg;
        await a.client.chat.postMessage({ channel: userId, text: m.text ?? "", ...(m.blocks ? { blocks: m.blocks } : {}) });
      },
      body,
      view: body.view,
      meta: parseMeta(body.view.private_metadata),
      ack,
    };
    await this.guarded(ctx, `form ${a.view.callback_id}`, route.minRole, () => route.handler(ctx), {
      onError: async (e) => {
        if (isAppError(e) && e.fieldErrors) {
          await ack({ response_action: "errors", errors: { ...e.fieldErrors } });
          return true;
        }
        if (isAppError(e) && !acked) {
          // Keep the modal open and show why, rather than closing it on the user.
          const firstBlock = body.view.blocks.find((b) => b.type === "input")?.block_id;
          if (firstBlock) {
            await ack({ response_action: "errors", errors: { [firstBlock]: e.userMessage.slice(0, 150) } });
            return true;
          }
        }
        return false;
      },
    });
    if (!acked) await ack();
  }

  private async onEvent(type: string, a: SlackEventMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const handler = this.events.get(type);
    if (!handler) return;
    const actor = a.context.actor as Actor;
    if (a.context.actorUnavailable) return;
    const userId = (a.event as { user?: string }).user ?? "";
    const ctx: EventCtx = {
      actor,
      client: a.client,
      logger: a.logger as unknown as Logger,
      reply: async (msg) => {
        const m: ReplyMessage = typeof msg === "string" ? { text: msg } : msg;
        if (userId) await a.client.chat.postMessage({ channel: userId, text: m.text ?? "" });
      },
      event: a.event,
      body: a.body,
    };
    try {
      await handler(ctx);
    } catch (e) {
      this.deps.logger.error({ err: e, event: type }, "event handler failed");
    }
  }

  /** Role check, refusal audit, and the single place errors become a safe answer. */
  private async guarded(
    ctx: Base,
    label: string,
    minRole: Role,
    run: () => Promise<void>,
    opts: { onError?: (e: unknown) => Promise<boolean> } = {},
  ): Promise<void> {
    try {
      if (ctx.unavailable) {
        // Nothing can be checked or recorded without the database: say so, change nothing.
        await ctx.reply("The Wavelaunch bot can't reach its database right now. Nothing was changed; please try again in a minute.");
        return;
      }
      if (!hasRole(ctx.actor.role, minRole)) {
        await this.deps.refusals.record(ctx.actor, label, minRole);
        await ctx.reply(
          ctx.actor.role === null
            ? "You don't have access to the Wavelaunch bot yet. Ask an admin for access (`/wl role @you staff`)."
            : `\`${esc(label)}\` needs the *${minRole}* role; you are *${ctx.actor.role}*. Ask an admin if you need it.`,
        );
        return;
      }
      await run();
    } catch (e) {
      if (opts.onError && (await opts.onError(e).catch(() => false))) return;
      if (isAppError(e)) {
        this.deps.logger.info({ code: e.code, msg: e.message, label, user: ctx.actor.slackUserId }, "request refused");
        await ctx.reply(e.userMessage).catch(() => undefined);
        return;
      }
      const ref = randomBytes(4).toString("hex");
      this.deps.logger.error({ err: e, ref, label, user: ctx.actor.slackUserId }, "handler failed");
      await ctx.reply(`Something went wrong on our side (ref \`${ref}\`). Nothing was saved; please try again.`).catch(() => undefined);
    }
  }
}

function replier(respond: SlackCommandMiddlewareArgs["respond"]): Reply {
  return async (msg) => {
    const m: ReplyMessage = typeof msg === "string" ? { text: msg } : msg;
    await respond({ response_type: "ephemeral", ...m } as RespondArguments);
  };
}

/** Buttons in ephemeral messages answer through response_url; elsewhere (App Home) by DM. */
function actionReplier(a: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Reply {
  return async (msg) => {
    const m: ReplyMessage = typeof msg === "string" ? { text: msg } : msg;
    if (a.body.response_url) {
      await a.respond({ response_type: "ephemeral", replace_original: false, ...m } as RespondArguments);
      return;
    }
    const channel = a.body.channel?.id;
    if (channel && a.body.container?.type === "message") {
      await a.client.chat.postEphemeral({ channel, user: a.body.user.id, text: m.text ?? "", ...(m.blocks ? { blocks: m.blocks } : {}) });
      return;
    }
    await a.client.chat.postMessage({ channel: a.body.user.id, text: m.text ?? "", ...(m.blocks ? { blocks: m.blocks } : {}) });
  };
}

export function parseMeta(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
