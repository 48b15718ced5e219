import { AppError, ErrorCode } from "../../../errors.js";
import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { NOT_CONFIGURED } from "../deliverable-blocks.js";
import { DELIVERABLE_TARGET } from "../deliverable-fns.js";
import { startAnswer } from "./start-answer.js";
import type { DeliverableHandlerDeps } from "./types.js";

/** `Regenerate` under a delivered deliverable: a new record, same creator and type. */
export const regenerateButton = (deps: Pick<DeliverableHandlerDeps, "deliverables">): ActionRoute => ({
  label: `${LABELS.regenerate} deliverable`,
  minRole: "staff",
  model: DELIVERABLE_TARGET,
  async handle(ctx) {
    if (!deps.deliverables.configured) throw new AppError(ErrorCode.NotConfigured, { userMessage: NOT_CONFIGURED });
    const req = await deps.deliverables.regenerate(parseId(ctx.action.value, "That button is out of date."), ctx.actor);
    return startAnswer(req);
  },
});
