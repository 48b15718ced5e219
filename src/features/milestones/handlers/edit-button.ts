import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { openLoaded } from "../../../slack/modals.js";
import { milestoneModal } from "../milestone-blocks.js";
import { shownBy } from "./milestone-answers.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** `Edit` on an open milestone: the form, filled in. */
export const editButton = (deps: MilestoneHandlerDeps): ActionRoute => ({
  label: `${LABELS.edit} milestone`,
  minRole: "staff",
  model: "Milestone",
  async handle(ctx) {
    const milestoneId = parseId(ctx.action.value);
    await openLoaded(
      ctx,
      "Edit milestone",
      async () => {
        const f = await deps.milestones.milestoneForForm(milestoneId);
        await ctx.record("opened the Edit milestone form", {
          targetModel: "Milestone",
          targetId: milestoneId,
          targetDisplay: `${f.milestone.title} (${f.creator.brandName})`,
        });
        return milestoneModal({ mode: "edit", creator: f.creator, milestone: f.milestone, meta: { creatorId: f.creatorId, milestoneId } });
      },
      { shows: shownBy(ctx) },
    );
  },
});
