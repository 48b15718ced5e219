import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { esc } from "../../../slack/mrkdwn.js";
import type { CreatorHandlerDeps } from "./types.js";

/** `Archive` (after Slack's confirm dialog): one conditional write; a second click is told it was done. */
export const archiveButton = (deps: Pick<CreatorHandlerDeps, "creators">): ActionRoute => ({
  label: `${LABELS.archive} creator`,
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const r = await deps.creators.archive(parseId(ctx.action.value), ctx.actor);
    return {
      reply: r.archived
        ? `Archived *${esc(r.display)}*. They no longer appear in lists, the Home tab or digests.`
        : `*${esc(r.display)}* was already archived.`,
    };
  },
});
