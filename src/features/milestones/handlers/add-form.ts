import type { ViewRoute } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import { changeNotice } from "../milestone-blocks.js";
import { formOf, metaFrom, submitAnswer } from "./form-answer.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** The Add milestone form. */
export const addForm = (deps: MilestoneHandlerDeps): ViewRoute => ({
  label: "Add milestone form",
  minRole: "staff",
  model: "Creator",
  metaKey: "creatorId",
  async handle(ctx) {
    const meta = metaFrom(deps, ctx, false);
    const r = await deps.milestones.add(meta.creatorId, formOf(ctx), ctx.actor);
    await ctx.ack();
    return submitAnswer(deps, meta, r.creatorId, changeNotice(`:heavy_plus_sign: Added “${esc(r.title)}”.`, r.health));
  },
});
