import { isUuid, parseId, PICKER } from "../../../slack/ids.js";
import { pseudoTarget } from "../../../slack/pipeline/targets.js";
import type { ActionRoute } from "../../../slack/router.js";
import { cardAnswer } from "../../creators/creator-answers.js";
import type { PickerHandlerDeps } from "./types.js";

const LABEL = "Creator picker: open card";

/** The picker in a message (several or no creators matched): the picked creator's card. */
export const pickOpenAction = (deps: Pick<PickerHandlerDeps, "creators" | "today">): ActionRoute => ({
  label: LABEL,
  minRole: "staff",
  target: (ctx) => {
    const v = ctx.action.selected_option?.value;
    return isUuid(v)
      ? { targetModel: "Creator", targetId: v.toLowerCase(), targetDisplay: LABEL }
      : pseudoTarget("SlackButton", `button:${PICKER.creatorPick}`, LABEL);
  },
  handle: async (ctx) =>
    cardAnswer(deps, ctx.actor, parseId(ctx.action.selected_option?.value, "Pick a creator from the list."), { shown: "card shown (creator picker)" }),
});
