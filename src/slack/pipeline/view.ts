import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewClosedAction, ViewSubmitAction } from "@slack/bolt";
import { auditText } from "../../audit/audit-fns.js";
import { isAppError } from "../../errors.js";
import { formAnswer } from "../answer-in-place.js";
import { dmReply } from "../replies.js";
import { parseMeta, type ViewCtx } from "../router.js";
import { refused, type Guard } from "./guard.js";
import type { PipelineDeps } from "./pipeline-types.js";
import { declaredTarget, pseudoTarget } from "./targets.js";

/**
 * A form's submission. Unlike the other surfaces it acks in the handler: its ack carries the
 * inline errors of invalid input, and closes the form only once the handler says so.
 */
export async function onView(a: SlackViewMiddlewareArgs<ViewSubmitAction | ViewClosedAction> & AllMiddlewareArgs, deps: PipelineDeps, g: Guard): Promise<void> {
  if (a.body.type !== "view_submission") return void (await a.ack());
  const body = a.body as ViewSubmitAction;
  let acked = false;
  const ack: ViewCtx["ack"] = async (r?: Parameters<ViewCtx["ack"]>[0]) => {
    if (acked) return;
    acked = true;
    await a.ack(r as never);
    void place();
  };
  const route = deps.router.views.get(body.view.callback_id);
  const dm = dmReply(a.client, body.user.id);
  const run = g.base(a.context, dm);
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
  const ctx: ViewCtx = { ...run, client: a.client, logger: deps.logger, record: g.recorder(run.actor), body, view: body.view, meta, place, ack };
  if (!route) {
    await ack();
    await g.guarded(ctx, {
      label: "an unknown form",
      minRole: "staff",
      target: pseudoTarget("SlackForm", "form:unknown", `unknown form ${body.view.callback_id}`),
      handle: async () =>
        refused(`unknown callback id ${auditText(String(body.view.callback_id), 80)}`, "That form is out of date or not one of mine. Nothing was saved."),
    });
    return;
  }
  await g.guarded(
    ctx,
    {
      label: route.label,
      minRole: route.minRole,
      target: route.target?.(ctx) ?? declaredTarget(route, meta[route.metaKey ?? "id"], "SlackForm", `form:${body.view.callback_id}`),
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
