import type { ViewRoute } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import { changeNotice } from "../milestone-blocks.js";
import { overdueOnAddNote } from "../milestone-fns.js";
import { formOf, metaFrom, submitAnswer } from "./form-answer.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** The Add milestone form; a past target date is saved as asked and called overdue in the answer. */
export const addForm = (deps: MilestoneHandlerDeps): ViewRoute => ({
  label: "Add milestone form",
  minRole: "staff",
  model: "Creator",
  metaKey: "creatorId",
  async handle(ctx) {
    const meta = metaFrom(ctx, false);
    const input = formOf(ctx);
    const r = await deps.milestones.add(meta.creatorId, input, ctx.actor);
    await ctx.ack();
    const overdue = overdueOnAddNote({ title: r.title, targetDate: input.targetDate }, deps.now(), deps.tz);
    const what = `:heavy_plus_sign: Added “${esc(r.title)}”.${overdue ? ` :warning: ${esc(overdue)}` : ""}`;
    return submitAnswer(deps, ctx, r.creatorId, changeNotice(what, r.health));
  },
});
