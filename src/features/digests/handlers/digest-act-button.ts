import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { esc } from "../../../slack/mrkdwn.js";
import { actedRowBlocks, replaceRow } from "../digest-blocks.js";
import type { DigestHandlerDeps } from "./types.js";

/**
 * `Snooze 3 days` and `Mark contacted` on a digest row: the change (audited, health
 * recomputed), then the digest updated in place so the channel sees it was handled.
 */
export const digestActButton = (deps: DigestHandlerDeps, kind: "snooze" | "contacted"): ActionRoute => ({
  label: kind === "snooze" ? `${LABELS.snooze} (digest)` : `${LABELS.markContacted} (digest)`,
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const id = parseId(ctx.action.value, "That button is out of date; run `/wl digest` for a fresh one.");
    const today = deps.today();
    const r = kind === "snooze" ? await deps.digests.snooze(ctx.actor, id, today) : await deps.digests.markContacted(ctx.actor, id, today);
    const who = ctx.actor.slackUserId ? `<@${ctx.actor.slackUserId}>` : esc(ctx.actor.displayName);
    const note = kind === "snooze" ? `💤 Snoozed 3 days by ${who}: next follow-up ${r.from ?? "none"} → *${r.to}*` : `✅ Marked contacted by ${who} on *${r.to}*`;
    const msg = ctx.body.message;
    const channel = ctx.body.channel?.id ?? (ctx.body.container?.channel_id as string | undefined);
    const blocks = msg?.blocks ? replaceRow(msg.blocks as unknown[], id, actedRowBlocks(r.creator, note)) : null;
    if (msg && channel && blocks && !ctx.body.container?.is_ephemeral) {
      try {
        await ctx.client.chat.update({ channel, ts: msg.ts, text: msg.text ?? "Creator health digest", blocks });
        return;
      } catch (e) {
        deps.logger.warn({ err: e, channel }, "could not update the digest message in place");
      }
    }
    return { reply: `${note} (*${esc(r.creator.brandName)}*, now ${r.creator.score}).` };
  },
});
