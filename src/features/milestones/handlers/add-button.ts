import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { openLoaded } from "../../../slack/modals.js";
import { creatorTarget } from "../../creators/creator-answers.js";
import { milestoneModal } from "../milestone-blocks.js";
import { shownBy } from "./milestone-answers.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** `Add milestone` (card and list): the Add milestone form. */
export const addButton = (deps: MilestoneHandlerDeps): ActionRoute => ({
  label: LABELS.addMilestone,
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const creatorId = parseId(ctx.action.value);
    await openLoaded(
      ctx,
      "Add milestone",
      async () => {
        const creator = await deps.milestones.creatorForForm(creatorId);
        await ctx.record("opened the Add milestone form", creatorTarget(creator));
        return milestoneModal({ mode: "add", creator, meta: { creatorId } });
      },
      { shows: shownBy(ctx) },
    );
  },
});
