import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { esc } from "../../../slack/mrkdwn.js";
import { changeNotice } from "../milestone-blocks.js";
import { changeAnswer } from "./milestone-answers.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** `Delete` on an open milestone (done ones are history). */
export const deleteButton = (deps: MilestoneHandlerDeps): ActionRoute => ({
  label: `${LABELS.delete} milestone`,
  minRole: "staff",
  model: "Milestone",
  async handle(ctx) {
    const r = await deps.milestones.remove(parseId(ctx.action.value), ctx.actor);
    return changeAnswer(deps, ctx, r.creatorId, changeNotice(`:wastebasket: Deleted “${esc(r.title)}”.`, r.health));
  },
});
