import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { listAnswer } from "./milestone-answers.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** The card's `Milestones`. */
export const milestonesButton = (deps: MilestoneHandlerDeps): ActionRoute => ({
  label: `${LABELS.milestones} (list)`,
  minRole: "staff",
  model: "Creator",
  handle: async (ctx) => listAnswer(deps, parseId(ctx.action.value)),
});
