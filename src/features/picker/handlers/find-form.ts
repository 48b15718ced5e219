import type { ViewRoute } from "../../../slack/router.js";
import { cardAnswer } from "../../creators/creator-answers.js";
import { pickedCreatorId, pickedTarget } from "./picked-creator.js";
import type { PickerHandlerDeps } from "./types.js";

const LABEL = "Find a creator form";

/**
 * The picked creator's card, by DM (a global shortcut has no channel to answer in, and the
 * card's buttons work there as anywhere). The pipeline's VIEW row names the creator.
 */
export const findForm = (deps: Pick<PickerHandlerDeps, "creators" | "today">): ViewRoute => ({
  label: LABEL,
  minRole: "staff",
  target: pickedTarget(LABEL),
  async handle(ctx) {
    const answer = await cardAnswer(deps, ctx.actor, pickedCreatorId(ctx.view), { shown: "card shown (Find a creator)" });
    await ctx.ack();
    return answer;
  },
});
