import type { ActionRoute } from "../../../slack/router.js";
import { LABELS } from "../../../slack/ids.js";
import { openForm } from "../../../slack/modals.js";
import { newCreatorModal } from "../creator-modals.js";

/** The App Home's `New creator`: the same form as `/wl new`; its answer refreshes the Home. */
export const newButton = (): ActionRoute => ({
  label: LABELS.newCreator,
  minRole: "staff",
  async handle(ctx) {
    await openForm(ctx, newCreatorModal());
    return { shown: "opened the New creator form" };
  },
});
