import type { ViewRoute } from "../../../slack/router.js";
import { PICKER } from "../../../slack/ids.js";
import { loggedMessage } from "../picker-blocks.js";
import { cleanNote } from "../picker-fns.js";
import { pickedCreatorId, pickedTarget } from "./picked-creator.js";
import type { PickerHandlerDeps } from "./types.js";

const LABEL = "Log to creator form";

/** The message becomes a contact note on the picked creator (one audited transaction); a DM confirms. */
export const logForm = (deps: Pick<PickerHandlerDeps, "picker" | "today">): ViewRoute => ({
  label: LABEL,
  minRole: "staff",
  target: pickedTarget(LABEL),
  async handle(ctx) {
    const creatorId = pickedCreatorId(ctx.view);
    const note = cleanNote(ctx.view.state.values[PICKER.noteBlock]?.[PICKER.noteBlock]?.value);
    const r = await deps.picker.logContact(ctx.actor, { viewId: ctx.view.id, creatorId, note }, deps.today());
    await ctx.ack();
    return { reply: loggedMessage(r) };
  },
});
