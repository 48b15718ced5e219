import type { ViewRoute } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import { changeNotice } from "../milestone-blocks.js";
import { formOf, metaFrom, submitAnswer } from "./form-answer.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** The Edit milestone form. */
export const editForm = (deps: MilestoneHandlerDeps): ViewRoute => ({
  label: "Edit milestone form",
  minRole: "staff",
  model: "Milestone",
  metaKey: "milestoneId",
  async handle(ctx) {
    const meta = metaFrom(ctx, true);
    const r = await deps.milestones.edit(meta.milestoneId!, formOf(ctx), ctx.actor);
    await ctx.ack();
    const what = r.changedFields.length ? `:pencil2: Saved “${esc(r.title)}” (${r.changedFields.join(", ")}).` : `Nothing changed in “${esc(r.title)}”.`;
    return submitAnswer(deps, ctx, r.creatorId, changeNotice(what, r.health));
  },
});
