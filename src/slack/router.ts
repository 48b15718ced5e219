import type { BlockAction, SlackCommandMiddlewareArgs, SlackEventMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { Block, KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { Actor } from "../identity/actor.js";
import { hasRole, type Role } from "../identity/roles.js";
import type { Logger } from "../logger.js";
import type { AuditTarget } from "../audit/audit-fns.js";
import type { Place } from "./answer-in-place.js";

// The route table: which handler answers which command, button, form, event, options load or
// shortcut, with the role it needs and what its audit row names. It holds no Slack plumbing;
// src/slack/pipeline/ runs every request through one path (ack, actor, guard, handler, audit,
// reply) using what a route declares here, so a handler cannot forget its audit row.

export type ReplyMessage = { text: string; blocks?: (KnownBlock | Block)[]; replace_original?: boolean };
export type Msg = string | ReplyMessage;
/** Answers the caller privately, by whatever channel the surface allows. */
export type Reply = (msg: Msg) => Promise<void>;

/**
 * What a handler hands back. The pipeline writes a VIEW row (target + `shown`) before it sends
 * `reply`, unless the handler's service already audited a change in its own transaction.
 */
export type Answer = {
  reply?: Msg | readonly Msg[];
  /** What the caller was shown or given, in words, for the VIEW row's notes. */
  shown?: string;
  /** The row the request concerned once known (the resolved creator); else the route's target. */
  target?: AuditTarget;
};

export type Base = {
  actor: Actor;
  /** The caller could not be resolved (database unreachable): the pipeline answers, handlers never run. */
  unavailable: boolean;
  client: WebClient;
  logger: Logger;
  reply: Reply;
  /**
   * Writes the request's VIEW row now and waits for it to commit: for handlers that show data
   * through a side channel (a modal filled after loading) and must not show it unrecorded.
   */
  record(shown: string, target?: AuditTarget): Promise<void>;
};

/** Surfaces that open forms: the opened modal's answer goes back where this request came from. */
export type FormOpener = {
  client: WebClient;
  triggerId: string;
  /** Remembers this request's place for the modal `viewId` (what the message there `shows`). */
  formOpened(viewId: string | undefined, shows?: string): Promise<void>;
};

export type CommandCtx = Base &
  FormOpener & {
    /** The words after the subcommand. */
    args: string;
    triggerId: string;
    channelId: string;
    body: SlackCommandMiddlewareArgs["body"];
  };
export type ActionCtx = Base &
  FormOpener & {
    action: { action_id: string; block_id?: string; value?: string; selected_option?: { value: string } | null };
    body: BlockAction;
    triggerId: string;
  };
export type ViewCtx = Base & {
  body: ViewSubmitAction;
  view: ViewSubmitAction["view"];
  /** private_metadata parsed as JSON (the bot writes only JSON there); forged values are possible. */
  meta: Record<string, unknown>;
  /**
   * Where the form was opened from, as stored server-side when it opened (null: unknown,
   * answered by DM). Looked up alongside the handler, not before it: a form's ack waits for
   * nothing it does not need.
   */
  place: () => Promise<Place | null>;
  ack: SlackViewMiddlewareArgs["ack"];
};
export type EventCtx = Base & { event: SlackEventMiddlewareArgs["event"]; body: SlackEventMiddlewareArgs["body"] };
export type OptionsCtx = Omit<Base, "reply" | "unavailable"> & { value: string; body: Record<string, unknown> };
export type ShortcutCtx = Base & { body: Record<string, unknown>; triggerId: string };

export type SlackOption = { text: { type: "plain_text"; text: string }; value: string };

type Route<C> = {
  minRole: Role;
  /** Words for the audit trail and refusals ("Open creator card"). */
  label: string;
  /** The audit row's target before the handler knows better; defaults per surface. */
  target?: (ctx: C) => AuditTarget;
  // biome-ignore lint/suspicious/noConfusingVoidType: handlers that only open a modal are inferred as `Promise<void>`; `void` lets them stand without a `return undefined`
  handle(ctx: C): Promise<Answer | void>;
  /** How this surface tells a caller without the role (default: `reply` with the refusal text). */
  refuse?: (ctx: C, text: string) => Promise<void>;
};

export type CommandRoute = Omit<Route<CommandCtx>, "label"> & {
  name: string;
  aliases?: string[];
  usage: string;
  description: string;
};
export type ActionRoute = Route<ActionCtx> & {
  /** The model a button's `value` is the id of; its row is the audit target when the id is well-formed. */
  model?: string;
};
export type ViewRoute = Route<ViewCtx> & {
  /** The model the form is about, and the private_metadata key holding its id (default `id`). */
  model?: string;
  metaKey?: string;
};
export type EventRoute = Route<EventCtx>;
/** Options loads answer in the ack, so they are read-only and not audited per keystroke. */
export type OptionsRoute = { minRole: Role; label: string; handle(ctx: OptionsCtx): Promise<SlackOption[]> };
export type ShortcutRoute = Route<ShortcutCtx>;

export type Surface = "command" | "action" | "view" | "event" | "options" | "shortcut";

export class Router {
  readonly commands = new Map<string, CommandRoute>();
  readonly actions = new Map<string, ActionRoute>();
  readonly views = new Map<string, ViewRoute>();
  readonly events = new Map<string, EventRoute>();
  readonly options = new Map<string, OptionsRoute>();
  readonly shortcuts = new Map<string, ShortcutRoute>();

  command(route: CommandRoute): this {
    for (const n of [route.name, ...(route.aliases ?? [])]) add(this.commands, n, route, "command");
    return this;
  }
  action(actionId: string, route: ActionRoute): this {
    add(this.actions, actionId, route, "action");
    return this;
  }
  view(callbackId: string, route: ViewRoute): this {
    add(this.views, callbackId, route, "view");
    return this;
  }
  event(type: string, route: EventRoute): this {
    add(this.events, type, route, "event");
    return this;
  }
  optionsFor(actionId: string, route: OptionsRoute): this {
    add(this.options, actionId, route, "options");
    return this;
  }
  shortcut(callbackId: string, route: ShortcutRoute): this {
    add(this.shortcuts, callbackId, route, "shortcut");
    return this;
  }

  /** Commands the role may run, for help; in registration order, once each. */
  commandsFor(role: Role | null): CommandRoute[] {
    return [...new Set(this.commands.values())].filter((c) => hasRole(role, c.minRole));
  }

  /** Every registered id by surface: the audit-coverage test walks this. */
  inventory(): Record<Surface, string[]> {
    return {
      command: [...this.commands.keys()],
      action: [...this.actions.keys()],
      view: [...this.views.keys()],
      event: [...this.events.keys()],
      options: [...this.options.keys()],
      shortcut: [...this.shortcuts.keys()],
    };
  }
}

function add<T>(map: Map<string, T>, id: string, route: T, surface: Surface): void {
  if (map.has(id)) throw new Error(`duplicate ${surface} ${id}`);
  map.set(id, route);
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
