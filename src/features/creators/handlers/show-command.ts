import type { CommandRoute } from "../../../slack/router.js";
import { cardAnswer, resolveCreator } from "../creator-answers.js";
import type { CreatorHandlerDeps } from "./types.js";

const USAGE = "show <creator>";

/** `/wl show <creator>`: the card. */
export const showCommand = (deps: CreatorHandlerDeps): CommandRoute => ({
  name: "show",
  usage: USAGE,
  description: "the creator card",
  minRole: "staff",
  async handle(ctx) {
    const r = await resolveCreator(deps, ctx.args, USAGE);
    if ("answer" in r) return r.answer;
    return cardAnswer(deps, ctx.actor, r.creator.id);
  },
});
