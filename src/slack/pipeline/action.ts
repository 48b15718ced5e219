import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { auditText } from "../../audit/audit-fns.js";
import { placeOfAction } from "../answer-in-place.js";
import { actionReply } from "../replies.js";
import type { ActionCtx } from "../router.js";
import { ackIfNeeded, refused, type Guard } from "./guard.js";
import type { PipelineDeps } from "./pipeline-types.js";
import { declaredTarget, pseudoTarget } from "./targets.js";

/** A button or menu: the route by action id, answered in place of the message it sits in. */
export async function onAction(a: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs, deps: PipelineDeps, g: Guard): Promise<void> {
  await ackIfNeeded(a);
  const action = a.action as ActionCtx["action"];
  const route = deps.router.actions.get(action.action_id);
  const run = g.base(a.context, actionReply(a.client, a.body));
  const ctx: ActionCtx = {
    ...run,
    client: a.client,
    logger: deps.logger,
    record: g.recorder(run.actor),
    action,
    body: a.body,
    triggerId: a.body.trigger_id,
    formOpened: g.formOpened(a.body.user.id, placeOfAction(a.body)),
  };
  if (!route) {
    await g.guarded(ctx, {
      label: "an unknown button",
      minRole: "staff",
      target: pseudoTarget("SlackButton", "button:unknown", `unknown button ${action.action_id}`),
      handle: async () =>
        refused(`unknown action id ${auditText(String(action.action_id), 80)}`, "That button is out of date or not one of mine. Run the command again."),
    });
    return;
  }
  await g.guarded(ctx, {
    label: route.label,
    minRole: route.minRole,
    target: route.target?.(ctx) ?? declaredTarget(route, action.value ?? "", "SlackButton", `button:${action.action_id}`),
    handle: (c) => route.handle(c),
    refuse: route.refuse,
  });
}
