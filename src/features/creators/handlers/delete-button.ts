import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { esc } from "../../../slack/mrkdwn.js";
import type { CreatorHandlerDeps } from "./types.js";

/** `Delete` (admin, after Slack's confirm dialog): the creator and everything hanging off it. */
export const deleteButton = (deps: Pick<CreatorHandlerDeps, "creators">): ActionRoute => ({
  label: `${LABELS.delete} creator`,
  minRole: "admin",
  model: "Creator",
  async handle(ctx) {
    const r = await deps.creators.remove(parseId(ctx.action.value), ctx.actor);
    return {
      reply: {
        text: `Deleted *${esc(r.display)}* with ${r.credentials} credential(s), ${r.milestones} milestone(s) and ${r.deliverables} deliverable(s). The audit log keeps a record.`,
        replace_original: true,
      },
    };
  },
});
