import type { AuditTarget } from "../../../audit/audit-fns.js";
import { invalid } from "../../../errors.js";
import { isUuid, PICKER } from "../../../slack/ids.js";
import { pseudoTarget } from "../../../slack/pipeline/targets.js";
import type { ViewCtx } from "../../../slack/router.js";

const PICK_ONE = "Pick a creator from the list.";

function pickedValue(view: ViewCtx["view"]): unknown {
  return view.state.values[PICKER.creatorBlock]?.[PICKER.creatorPick]?.selected_option?.value;
}

/**
 * The creator a form's picker submitted: a well-formed id, or an inline error. The value comes
 * from the client and may be forged: the service that acts on it re-reads the creator.
 */
export function pickedCreatorId(view: ViewCtx["view"]): string {
  const v = pickedValue(view);
  if (!isUuid(v)) throw invalid(PICK_ONE, { [PICKER.creatorBlock]: PICK_ONE });
  return v.toLowerCase();
}

/** The audit target of a picker form: the picked creator when the value is an id. */
export function pickedTarget(label: string) {
  return (ctx: ViewCtx): AuditTarget => {
    const v = pickedValue(ctx.view);
    return isUuid(v)
      ? { targetModel: "Creator", targetId: v.toLowerCase(), targetDisplay: label }
      : pseudoTarget("SlackForm", `form:${ctx.view.callback_id}`, label);
  };
}
