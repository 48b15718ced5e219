import type { AllMiddlewareArgs } from "@slack/bolt";
import { randomBytes } from "node:crypto";
import { watchCommits } from "../../audit/audit-service.js";
import type { AuditTarget } from "../../audit/audit-fns.js";
import { AppError, ErrorCode, isAppError } from "../../errors.js";
import type { Actor } from "../../identity/actor.js";
import { hasRole } from "../../identity/roles.js";
import { formKey, type placeOfAction } from "../answer-in-place.js";
import type { PipelineContext } from "../middleware.js";
import { esc } from "../mrkdwn.js";
import type { Answer, Base, Msg, Reply } from "../router.js";
import type { PipelineDeps, Run, Spec } from "./pipeline-types.js";

// The part every surface shares once its context is built: the role guard, the handler, the
// audit row the route declares (written before the answer is sent) and the one place where
// errors become a safe answer.

const DB_DOWN = "The Wavelaunch bot can't reach its database right now. Nothing was changed; please try again in a minute.";
const NO_ACCESS = "You don't have access to the Wavelaunch bot yet. Ask an admin for access (`/wl role @you staff`).";

export type Guard = ReturnType<typeof createGuard>;

export function createGuard(deps: PipelineDeps) {
  const pending = new WeakMap<Actor, { target: AuditTarget; recorded: boolean }>();

  /** The actor the middleware resolved, and how this surface replies. */
  function base(context: AllMiddlewareArgs["context"], reply: Reply): Run {
    const c = context as PipelineContext;
    // A fresh object per request: the commit watch and the pending VIEW row are keyed by it.
    return { actor: { ...(c.actor as Actor) }, unavailable: c.actorUnavailable === true, reply };
  }

  /** The VIEW row, written through the group commit; the answer waits for it. */
  function recorder(actor: Actor) {
    return async (shown: string, target?: AuditTarget) => {
      pending.get(actor)!.recorded = true;
      await deps.audit.record(actor, { action: "VIEW", ...(target ?? pending.get(actor)!.target), notes: shown });
    };
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

  return { base, recorder, formOpened, guarded };
}

/** A refusal raised inside the pipeline (unknown ids): audited and answered like a handler's. */
export function refused(reason: string, userMessage: string): never {
  throw new AppError(ErrorCode.Forbidden, { message: reason, userMessage });
}

/** Acks a request the middleware has not acked already (it acks commands and buttons up front). */
export async function ackIfNeeded(a: { context: AllMiddlewareArgs["context"]; ack?: () => Promise<void> }): Promise<void> {
  if (!(a.context as PipelineContext).acked) await a.ack?.();
}

function toList(reply: Answer["reply"]): readonly Msg[] {
  if (reply === undefined) return [];
  return Array.isArray(reply) ? reply : [reply as Msg];
}
