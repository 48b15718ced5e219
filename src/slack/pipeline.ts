import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewClosedAction,
  ViewSubmitAction,
} from "@slack/bolt";
import { randomBytes } from "node:crypto";
import type { Actor } from "../identity/actor.js";
import { hasRole, type Role } from "../identity/roles.js";
import type { Logger } from "../logger.js";
import type { BotMetrics } from "../metrics/metrics.js";
import { AppError, ErrorCode, isAppError } from "../errors.js";
import { watchCommits } from "../audit/audit-service.js";
import type { AuditBatcher } from "../audit/audit-batcher.js";
import { auditText, nameToUuid, type AuditTarget } from "../audit/audit-fns.js";
import { isUuid, SLASH_COMMAND } from "./ids.js";
import { esc } from "./mrkdwn.js";
import type { PipelineContext } from "./middleware.js";
import type { RefusalRecorder } from "./refusals.js";
import { actionReply, dmReply, responseUrlReply } from "./replies.js";
import { formAnswer, formKey, placeOfAction, placeOfCommand, type AnswerPlaces } from "./answer-in-place.js";
import type { WebClient } from "@slack/web-api";
import {
  parseMeta,
  type ActionCtx,
  type Answer,
  type Base,
  type CommandCtx,
  type EventCtx,
  type Msg,
  type Reply,
  type Router,
  type ShortcutCtx,
  type ViewCtx,
} from "./router.js";

// Every Slack request takes one path: verify (receiver) -> ack (middleware, before any
// database work) -> actor (middleware) -> role guard -> handler -> audit -> reply. The audit
// row is written here from what the route declares, and the answer is sent only after that
// row has committed, so a handler cannot forget it and a deploy cannot lose it. Refusals of
// every kind (role, unknown ids, forged values, invalid forms) are recorded here, once.

export type PipelineDeps = {
  router: Router;
  logger: Logger;
  audit: Pick<AuditBatcher, "record">;
  refusals: Pick<RefusalRecorder, "record">;
  metrics: Pick<BotMetrics, "refusal">;
  /** Where forms were opened from: their answers land there (src/slack/answer-in-place.ts). */
  places: Pick<AnswerPlaces, "remember" | "find" | "forget">;
  /** Publishes the person's App Home again, with a one-line notice (a form opened there was submitted). */
  refreshHome(actor: Actor, client: WebClient, notice: string): Promise<void>;
};

type Spec<C> = {
  label: string;
  minRole: Role;
  target: AuditTarget;
  // biome-ignore lint/suspicious/noConfusingVoidType: handlers that only open a modal are inferred as `Promise<void>`; `void` lets them stand without a `return undefined`
  handle(ctx: C): Promise<Answer | void>;
  refuse?: (ctx: C, text: string) => Promise<void>;
};
type Run = { actor: Actor; unavailable: boolean; reply: Reply };

const DB_DOWN = "The Wavelaunch bot can't reach its database right now. Nothing was changed; please try again in a minute.";
const NO_ACCESS = "You don't have access to the Wavelaunch bot yet. Ask an admin for access (`/wl role @you staff`).";

export const pseudoTarget = (model: string, key: string, display: string): AuditTarget => ({
  targetModel: model,
  targetId: nameToUuid(key),
  targetDisplay: auditText(display) || display,
});

export function installPipeline(app: App, deps: PipelineDeps): void {
  const { router } = deps;
  app.command(SLASH_COMMAND, (a) => onCommand(a));
  app.action(/.*/, (a) => onAction(a as SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs));
  app.view(/.*/, (a) => onView(a as SlackViewMiddlewareArgs<ViewSubmitAction | ViewClosedAction> & AllMiddlewareArgs));
  app.options(/.*/, (a) => onOptions(a));
  app.shortcut(/.*/, (a) => onShortcut(a));
  for (const type of router.events.keys()) {
    app.event(type, (a) => onEvent(type, a as unknown as SlackEventMiddlewareArgs & AllMiddlewareArgs));
  }

  function base(context: AllMiddlewareArgs["context"], reply: Reply): Run {
    const c = context as PipelineContext;
    // A fresh object per request: the commit watch is keyed by it.
    return { actor: { ...(c.actor as Actor) }, unavailable: c.actorUnavailable === true, reply };
  }
  const ackIfNeeded = async (a: { context: AllMiddlewareArgs["context"]; ack?: () => Promise<void> }) => {
    if (!(a.context as PipelineContext).acked) await a.ack?.();
  };

  async function onCommand(a: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    await ackIfNeeded(a);
    const text = a.command.text.trim();
    const [first = "", ...rest] = text.split(/\s+/);
    // A bare `/wl` is the first thing most people type: it is help.
    const name = first === "" ? "help" : first.toLowerCase();
    // A two-word command (`audit export`) is a route of its own, with its own role.
    const sub = rest[0] ? router.commands.get(`${name} ${rest[0].toLowerCase()}`) : undefined;
    const route = sub ?? router.commands.get(name);
    const run = base(a.context, responseUrlReply(a.command.response_url));
    const ctx: CommandCtx = {
      ...run,
      client: a.client,
      logger: deps.logger,
      record: recorder(run.actor),
      args: (sub ? rest.slice(1) : rest).join(" "),
      triggerId: a.command.trigger_id,
      channelId: a.command.channel_id,
      body: a.command,
      formOpened: formOpened(a.command.user_id, placeOfCommand(a.command)),
    };
    if (!route) {
      const shown = auditText(first, 40);
      await guarded(ctx, {
        label: `${SLASH_COMMAND} ${shown}`,
        minRole: "staff",
        target: pseudoTarget("SlackCommand", `command:unknown`, `${SLASH_COMMAND} ${text}`),
        handle: async () =>
          refused(`no such command`, `I don't know the command \`${esc(shown)}\`. Try \`${SLASH_COMMAND} help\` for the commands you can use.`),
      });
      return;
    }
    await guarded(ctx, {
      label: `${SLASH_COMMAND} ${route.name}`,
      minRole: route.minRole,
      target: route.target?.(ctx) ?? pseudoTarget("SlackCommand", `command:${route.name}`, `${SLASH_COMMAND} ${route.name}${ctx.args ? ` ${ctx.args}` : ""}`),
      handle: (c) => route.handle(c),
      refuse: route.refuse,
    });
  }

  async function onAction(a: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> {
    await ackIfNeeded(a);
    const action = a.action as ActionCtx["action"];
    const route = router.actions.get(action.action_id);
    const run = base(a.context, actionReply(a.client, a.body));
    const ctx: ActionCtx = {
      ...run,
      client: a.client,
      logger: deps.logger,
      record: recorder(run.actor),
      action,
      body: a.body,
      triggerId: a.body.trigger_id,
      formOpened: formOpened(a.body.user.id, placeOfAction(a.body)),
    };
    if (!route) {
      await guarded(ctx, {
        label: "an unknown button",
        minRole: "staff",
        target: pseudoTarget("SlackButton", "button:unknown", `unknown button ${action.action_id}`),
        handle: async () =>
          refused(`unknown action id ${auditText(String(action.action_id), 80)}`, "That button is out of date or not one of mine. Run the command again."),
      });
      return;
    }
    const value = action.value ?? "";
    await guarded(ctx, {
      label: route.label,
      minRole: route.minRole,
      target:
        route.target?.(ctx) ??
        (route.model && isUuid(value)
          ? { targetModel: route.model, targetId: value.toLowerCase(), targetDisplay: route.label }
          : pseudoTarget("SlackButton", `button:${action.action_id}`, route.label)),
      handle: (c) => route.handle(c),
      refuse: route.refuse,
    });
  }

  async function onView(a: SlackViewMiddlewareArgs<ViewSubmitAction | ViewClosedAction> & AllMiddlewareArgs): Promise<void> {
    if (a.body.type !== "view_submission") return void (await a.ack());
    const body = a.body as ViewSubmitAction;
    let acked = false;
    const ack: ViewCtx["ack"] = async (r?: Parameters<ViewCtx["ack"]>[0]) => {
      if (acked) return;
      acked = true;
      await a.ack(r as never);
      void place();
    };
    const route = router.views.get(body.view.callback_id);
    const dm = dmReply(a.client, body.user.id);
    const run = base(a.context, dm);
    // The place was stored when this person opened the form; a submission naming another
    // person's view id finds nothing and is answered by DM. Looked up once the ack is sent (or
    // when first needed): nothing but the form's own checks stands between a submission and its ack.
    const form = formAnswer(
      { places: deps.places, logger: deps.logger, dm, refreshHome: (notice) => deps.refreshHome(run.actor, a.client, notice) },
      { viewId: String(body.view.id), slackUserId: body.user.id, lookUp: !run.unavailable },
    );
    const place = form.place;
    run.reply = form.reply;
    const meta = parseMeta(body.view.private_metadata);
    const ctx: ViewCtx = { ...run, client: a.client, logger: deps.logger, record: recorder(run.actor), body, view: body.view, meta, place, ack };
    if (!route) {
      await ack();
      await guarded(ctx, {
        label: "an unknown form",
        minRole: "staff",
        target: pseudoTarget("SlackForm", "form:unknown", `unknown form ${body.view.callback_id}`),
        handle: async () =>
          refused(`unknown callback id ${auditText(String(body.view.callback_id), 80)}`, "That form is out of date or not one of mine. Nothing was saved."),
      });
      return;
    }
    const metaId = meta[route.metaKey ?? "id"];
    await guarded(
      ctx,
      {
        label: route.label,
        minRole: route.minRole,
        target:
          route.target?.(ctx) ??
          (route.model && isUuid(metaId)
            ? { targetModel: route.model, targetId: metaId.toLowerCase(), targetDisplay: route.label }
            : pseudoTarget("SlackForm", `form:${body.view.callback_id}`, route.label)),
        handle: (c) => route.handle(c),
        refuse: route.refuse,
      },
      async (e) => {
        // Invalid input keeps the modal open with the reasons on the offending inputs.
        if (isAppError(e) && e.fieldErrors && !acked) {
          await ack({ response_action: "errors", errors: { ...e.fieldErrors } });
          return true;
        }
        if (isAppError(e) && !acked) {
          const firstInput = body.view.blocks.find((b) => b.type === "input")?.block_id;
          if (firstInput) {
            await ack({ response_action: "errors", errors: { [firstInput]: e.userMessage.slice(0, 150) } });
            return true;
          }
        }
        return false;
      },
    );
    if (!acked) await ack();
  }

  async function onOptions(a: SlackOptionsMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const body = a.body as unknown as Record<string, unknown> & { action_id?: string; value?: string };
    const route = router.options.get(String(body.action_id ?? ""));
    const c = a.context as PipelineContext;
    if (!route || c.actorUnavailable || !hasRole(c.actor?.role ?? null, route.minRole)) {
      await a.ack({ options: [] });
      // An empty list shows nothing, so it goes first (Slack waits 3 s); then the refusal is
      // recorded like any other, through the throttled recorder, since a picker asks per keystroke.
      if (c.actor && !c.actorUnavailable) {
        const label = route?.label ?? "an unknown options load";
        const why = route ? `needs ${route.minRole}, has ${c.actor.role ?? "no role"}` : `unknown action id ${auditText(String(body.action_id ?? ""), 80)}`;
        await deps.refusals
          .record(c.actor, label, why, pseudoTarget("SlackOptions", `options:${route ? String(body.action_id) : "unknown"}`, label))
          .catch((e: unknown) => deps.logger.warn({ err: e }, "could not audit a refusal"));
      }
      return;
    }
    try {
      const options = await route.handle({
        actor: c.actor as Actor,
        client: a.client,
        logger: deps.logger,
        record: recorder(c.actor as Actor),
        value: String(body.value ?? ""),
        body,
      });
      await a.ack({ options } as never);
    } catch (e) {
      deps.logger.error({ err: e, label: route.label }, "options handler failed");
      await a.ack({ options: [] });
    }
  }

  async function onShortcut(a: SlackShortcutMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    await ackIfNeeded(a as unknown as { context: AllMiddlewareArgs["context"]; ack?: () => Promise<void> });
    const body = a.body as unknown as Record<string, unknown> & { callback_id: string; trigger_id: string; response_url?: string; user: { id: string } };
    const route = router.shortcuts.get(body.callback_id);
    const run = base(a.context, body.response_url ? responseUrlReply(body.response_url) : dmReply(a.client, body.user.id));
    const ctx: ShortcutCtx = { ...run, client: a.client, logger: deps.logger, record: recorder(run.actor), body, triggerId: body.trigger_id };
    await guarded(ctx, {
      label: route?.label ?? "an unknown shortcut",
      minRole: route?.minRole ?? "staff",
      target:
        route?.target?.(ctx) ??
        pseudoTarget("SlackShortcut", `shortcut:${route ? body.callback_id : "unknown"}`, route?.label ?? `unknown shortcut ${body.callback_id}`),
      handle: route ? (x) => route.handle(x) : async () => refused("unknown shortcut", "That shortcut is not one of mine."),
      refuse: route?.refuse,
    });
  }

  async function onEvent(type: string, a: SlackEventMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const route = router.events.get(type)!;
    const userId = (a.event as { user?: string }).user ?? "";
    const run = base(a.context, dmReply(a.client, userId));
    if (run.unavailable || !userId) return; // nobody to tell, nothing to record: the next open retries
    const ctx: EventCtx = { ...run, client: a.client, logger: deps.logger, record: recorder(run.actor), event: a.event, body: a.body };
    await guarded(ctx, {
      label: route.label,
      minRole: route.minRole,
      target: route.target?.(ctx) ?? pseudoTarget("SlackEvent", `event:${type}`, route.label),
      handle: (c) => route.handle(c),
      refuse: route.refuse,
    });
  }

  /** Stores where a form was opened from (when the surface has a place to answer in). */
  function formOpened(slackUserId: string, where: ReturnType<typeof placeOfAction>) {
    return async (viewId: string | undefined, shows?: string): Promise<void> => {
      if (!viewId || !where) return;
      // Not worth failing the form over: without its place, its answer comes by DM.
      await deps.places
        .remember(formKey(viewId), slackUserId, where, shows)
        .catch((e: unknown) => deps.logger.warn({ err: e }, "could not store a form's place"));
    };
  }

  /** The VIEW row, written through the group commit; the answer waits for it. */
  function recorder(actor: Actor) {
    return async (shown: string, target?: AuditTarget) => {
      pending.get(actor)!.recorded = true;
      await deps.audit.record(actor, { action: "VIEW", ...(target ?? pending.get(actor)!.target), notes: shown });
    };
  }
  const pending = new WeakMap<Actor, { target: AuditTarget; recorded: boolean }>();

  /** Role check, then the handler, its audit row and its answer; the single place errors become a safe answer. */
  async function guarded<C extends Base>(ctx: C, spec: Spec<C>, onError?: (e: unknown) => Promise<boolean>): Promise<void> {
    const { actor } = ctx;
    if (ctx.unavailable) {
      // Nothing can be checked or recorded without the database: say so, change nothing.
      await (onError?.(new Error("database unavailable")).catch(() => false) ?? false);
      await ctx.reply(DB_DOWN).catch(() => undefined);
      return;
    }
    if (!hasRole(actor.role, spec.minRole)) {
      deps.metrics.refusal(actor.role === null ? "no_role" : "role");
      const text =
        actor.role === null ? NO_ACCESS : `*${esc(spec.label)}* needs the *${spec.minRole}* role; you are *${actor.role}*. Ask an admin if you need it.`;
      await deps.refusals
        .record(actor, spec.label, `needs ${spec.minRole}, has ${actor.role ?? "no role"}`, spec.target)
        .catch((e: unknown) => deps.logger.warn({ err: e }, "could not audit a refusal"));
      await (spec.refuse ? spec.refuse(ctx, text) : ctx.reply(text)).catch((e: unknown) => deps.logger.warn({ err: e }, "could not send a refusal"));
      return;
    }
    const watch = watchCommits(actor);
    pending.set(actor, { target: spec.target, recorded: false });
    try {
      const answer = (await spec.handle(ctx)) ?? {};
      const state = pending.get(actor)!;
      if (watch.committed === 0 && !state.recorded) await ctx.record(answer.shown ?? `${spec.label}: answered`, answer.target);
      for (const m of toList(answer.reply)) await ctx.reply(m);
    } catch (e) {
      if (isAppError(e)) {
        const fields = e.fieldErrors ? ` (fields: ${Object.keys(e.fieldErrors).join(", ")})` : "";
        // The internal reason where there is one ("needs admin, has manager"), else what the user was told.
        const why = e.message !== e.userMessage ? e.message : e.userMessage;
        deps.metrics.refusal(e.code);
        // Recorded before the answer, like every other row: inline form errors are the answer
        // too. A request whose service already audited what happened (a reveal that failed
        // closed, a delivery Slack did not confirm) has its record: no second row.
        if (watch.committed === 0) {
          await deps.refusals
            .record(actor, spec.label, `${why}${fields}`, spec.target)
            .catch((err: unknown) => deps.logger.warn({ err }, "could not audit a refusal"));
        }
        deps.logger.info({ code: e.code, msg: e.message, label: spec.label, user: actor.slackUserId }, "request refused");
        const handledInline = onError ? await onError(e).catch(() => false) : false;
        if (!handledInline && !e.shownToUser) await ctx.reply(e.userMessage).catch(() => undefined);
        return;
      }
      const handledInline = onError ? await onError(e).catch(() => false) : false;
      const ref = randomBytes(4).toString("hex");
      deps.logger.error({ err: e, ref, label: spec.label, user: actor.slackUserId }, "handler failed");
      if (handledInline) return;
      // A change that committed must never be reported as lost.
      const text =
        watch.committed > 0
          ? `Saved, but I couldn't show the result (ref \`${ref}\`). Run the command again to see it.`
          : `Something went wrong on our side (ref \`${ref}\`). Nothing was saved; please try again.`;
      await ctx.reply(text).catch(() => undefined);
    }
  }
}

/** A refusal raised inside the pipeline (unknown ids): audited and answered like a handler's. */
function refused(reason: string, userMessage: string): never {
  throw new AppError(ErrorCode.Forbidden, { message: reason, userMessage });
}

function toList(reply: Answer["reply"]): readonly Msg[] {
  if (reply === undefined) return [];
  return Array.isArray(reply) ? reply : [reply as Msg];
}
