import type { CommandRoute } from "../../../slack/router.js";
import { newCreatorModal } from "../creator-modals.js";

/** `/wl new`: the New creator form (nothing to load, so it opens at once). */
export const newCommand = (): CommandRoute => ({
  name: "new",
  usage: "new",
  description: "add a creator (opens a form)",
  minRole: "staff",
  async handle(ctx) {
    await ctx.client.views.open({ trigger_id: ctx.triggerId, view: newCreatorModal() });
    return { shown: "opened the New creator form" };
  },
});
