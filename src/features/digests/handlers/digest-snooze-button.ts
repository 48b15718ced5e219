import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { esc } from "../../../slack/mrkdwn.js";
import { formatDay } from "../digest-blocks.js";
import { answerInPlace, STALE_BUTTON, whoClicked } from "./digest-act-button.js";
import type { DigestHandlerDeps } from "./types.js";

/**
 * `Snooze 3 days` on a digest row: out of the digests until the snooze ends (the creator's
 * dates and score stay as they are); the row says who snoozed it and until when.
 */
export const digestSnoozeButton = (deps: DigestHandlerDeps): ActionRoute => ({
  label: `${LABELS.snooze} (digest)`,
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const id = parseId(ctx.action.value, STALE_BUTTON);
    const r = await deps.digests.snooze(ctx.actor, id, deps.now());
    const by = r.extended ? whoClicked(ctx) : /^[UW][A-Z0-9]+$/.test(r.by) ? `<@${r.by}>` : esc(r.by);
    const followUp =
      r.followUp.to === r.followUp.from ? `next follow-up stays ${r.followUp.to}` : `next follow-up ${r.followUp.from ?? "none"} → *${r.followUp.to}*`;
    const note = `💤 Snoozed by ${by} until *${formatDay(r.until)}*: out of the digests until then${r.extended ? "" : " (already snoozed)"}; ${followUp}`;
    return answerInPlace(deps, ctx, r.creator, note);
  },
});
