import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { cardAnswer } from "../creator-answers.js";
import type { CreatorHandlerDeps } from "./types.js";

/** `Open` anywhere a creator is listed (find, list, candidates, digests, Home): the card. */
export const openCardButton = (deps: CreatorHandlerDeps): ActionRoute => ({
  label: `${LABELS.open} creator card`,
  minRole: "staff",
  model: "Creator",
  handle: async (ctx) => cardAnswer(deps, ctx.actor, parseId(ctx.action.value)),
});
