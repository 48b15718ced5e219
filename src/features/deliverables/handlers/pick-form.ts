import { AppError, ErrorCode, invalid } from "../../../errors.js";
import type { ViewRoute } from "../../../slack/router.js";
import { parseId } from "../../../slack/ids.js";
import { NOT_CONFIGURED } from "../deliverable-blocks.js";
import { parseDeliverableType } from "../deliverable-fns.js";
import { startAnswer } from "./start-answer.js";
import type { DeliverableHandlerDeps } from "./types.js";

/** The deliverable type form. */
export const pickForm = (deps: Pick<DeliverableHandlerDeps, "deliverables">): ViewRoute => ({
  label: "New deliverable form",
  minRole: "staff",
  model: "Creator",
  metaKey: "creatorId",
  async handle(ctx) {
    if (!deps.deliverables.configured)
      throw new AppError(ErrorCode.NotConfigured, { userMessage: NOT_CONFIGURED, fieldErrors: { deliverable_type: NOT_CONFIGURED.slice(0, 150) } });
    const picked = ctx.view.state.values.deliverable_type?.deliverable_type?.selected_option?.value;
    const type = picked ? parseDeliverableType(picked) : null;
    if (!type) throw invalid("Choose a deliverable type.", { deliverable_type: "Choose a deliverable type." });
    const creatorId = parseId(ctx.meta.creatorId, "This form is out of date; open the creator again.");
    const req = await deps.deliverables.request({ creatorId, type }, ctx.actor);
    await ctx.ack();
    return startAnswer(req);
  },
});
