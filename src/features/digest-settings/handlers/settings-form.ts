import { invalid } from "../../../errors.js";
import type { ViewRoute } from "../../../slack/router.js";
import { savedText } from "../settings-blocks.js";
import { parseSettings, readSettingsForm } from "../settings-fns.js";
import type { SettingsHandlerDeps } from "./types.js";

/** The settings modal: inline errors, or the settings saved (audited) and a DM saying what they are. */
export const settingsForm = (deps: Pick<SettingsHandlerDeps, "settings">): ViewRoute => ({
  label: "Digest settings form",
  minRole: "manager",
  async handle(ctx) {
    const parsed = parseSettings(readSettingsForm(ctx.view.state.values));
    if (!parsed.ok) throw invalid("Some fields need fixing.", parsed.errors);
    await deps.settings.save(ctx.actor, parsed.data);
    await ctx.ack();
    return { reply: savedText(parsed.data) };
  },
});
