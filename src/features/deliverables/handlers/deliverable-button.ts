import { AppError, ErrorCode, notFound } from "../../../errors.js";
import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { openLoaded } from "../../../slack/modals.js";
import { NOT_CONFIGURED, pickModal } from "../deliverable-blocks.js";
import type { DeliverableHandlerDeps } from "./types.js";

/** The card's `Deliverable`: a small form to pick the type. */
export const deliverableButton = (deps: Pick<DeliverableHandlerDeps, "deliverables">): ActionRoute => ({
  label: `${LABELS.deliverable} (pick a type)`,
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    if (!deps.deliverables.configured) throw new AppError(ErrorCode.NotConfigured, { userMessage: NOT_CONFIGURED });
    const creatorId = parseId(ctx.action.value, "That button is out of date; open the creator again.");
    await openLoaded(ctx, "New deliverable", async () => {
      const brandName = await deps.deliverables.creatorBrand(creatorId);
      if (!brandName) throw notFound("That creator no longer exists.");
      await ctx.record("opened the deliverable form", { targetModel: "Creator", targetId: creatorId, targetDisplay: `${brandName}: new deliverable` });
      return pickModal({ creatorId, brandName });
    });
  },
});
