import type { CommandRoute } from "../../../slack/router.js";
import { openForm } from "../../../slack/modals.js";
import { newCreatorModal } from "../creator-modals.js";

/** `/wl new`: the New creator form (nothing to load, so it opens at once). */
export const newCommand = (): CommandRoute => ({
  name: "new",
  usage: "new",
  description: "add a creator (opens a form)",
  minRole: "staff",
  async handle(ctx) {
    await openForm(ctx, newCreatorModal());
    return { shown: "opened the New creator form" };
  },
});
