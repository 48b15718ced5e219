import type { ShortcutRoute } from "../../../slack/router.js";
import { findCreatorModal } from "../picker-blocks.js";

/** Global shortcut "Find a creator": the picker in a modal. */
export const findShortcut = (): ShortcutRoute => ({
  label: "Find a creator (shortcut)",
  minRole: "staff",
  async handle(ctx) {
    await ctx.client.views.open({ trigger_id: ctx.triggerId, view: findCreatorModal() });
    return { shown: "creator picker opened" };
  },
});
