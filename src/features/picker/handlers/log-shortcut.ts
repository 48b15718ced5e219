import { forbidden, invalid } from "../../../errors.js";
import { messageModal } from "../../../slack/modals.js";
import type { ShortcutRoute } from "../../../slack/router.js";
import { logToCreatorModal } from "../picker-blocks.js";
import { messageRefOf } from "../picker-fns.js";
import type { PickerHandlerDeps } from "./types.js";

const CANT_SEE = "I can't see that conversation, so I can't link to the message. Add the Wavelaunch app to the channel and try again.";

/**
 * Message shortcut "Log to creator": the picker and a note in a modal. Slack confirms the
 * message (its permalink) while the modal opens; what the form is about is kept server-side,
 * keyed by the opened view, never in private_metadata.
 */
export const logShortcut = (deps: Pick<PickerHandlerDeps, "picker">): ShortcutRoute => ({
  label: "Log to creator (shortcut)",
  minRole: "staff",
  async handle(ctx) {
    const m = messageRefOf(ctx.body);
    if (!m) throw invalid("I couldn't tell which message that was. Try the shortcut again.");
    const [link, opened] = await Promise.all([
      ctx.client.chat.getPermalink({ channel: m.channelId, message_ts: m.messageTs }).then(
        (r) => r.permalink ?? null,
        () => null,
      ),
      ctx.client.views.open({ trigger_id: ctx.triggerId, view: logToCreatorModal(m.text) }),
    ]);
    const viewId = opened.view?.id;
    if (!viewId) throw new Error("views.open returned no view id");
    if (!link) {
      await ctx.client.views.update({ view_id: viewId, view: messageModal("Log to creator", CANT_SEE) });
      throw forbidden(CANT_SEE, `chat.getPermalink failed for ${m.channelId}/${m.messageTs}`);
    }
    await deps.picker.saveDraft(viewId, ctx.actor.slackUserId ?? "", m, link);
    return { shown: `Log to creator form opened for ${link}` };
  },
});
