import type { CommandRoute } from "../../../slack/router.js";
import { resolveCreator } from "../../creators/creator-answers.js";
import { listAnswer } from "./milestone-answers.js";
import type { MilestoneHandlerDeps } from "./types.js";

const USAGE = "milestones <creator>";

/** `/wl milestones <creator>`: the list, each open one with `Mark done`, and `Add milestone`. */
export const milestonesCommand = (deps: MilestoneHandlerDeps): CommandRoute => ({
  name: "milestones",
  usage: USAGE,
  description: "a creator's milestones: mark done, add, edit, delete",
  minRole: "staff",
  async handle(ctx) {
    const r = await resolveCreator(deps, ctx.args, USAGE);
    if ("answer" in r) return r.answer;
    return listAnswer(deps, r.creator.id);
  },
});
