import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { esc } from "../../../slack/mrkdwn.js";
import { changeNotice } from "../milestone-blocks.js";
import { changeAnswer } from "./milestone-answers.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** `Mark done`: one conditional write; a second click is told it was already done. */
export const doneButton = (deps: MilestoneHandlerDeps): ActionRoute => ({
  label: `${LABELS.markDone} (milestone)`,
  minRole: "staff",
  model: "Milestone",
  async handle(ctx) {
    const r = await deps.milestones.markDone(parseId(ctx.action.value), ctx.actor);
    return changeAnswer(deps, ctx, r.creatorId, changeNotice(`:white_check_mark: Marked “${esc(r.title)}” done (${r.completedDate}).`, r.health));
  },
});
