import type { ActionCtx, ActionRoute, Answer } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { esc } from "../../../slack/mrkdwn.js";
import { actedRowBlocks, replaceRow } from "../digest-blocks.js";
import type { ActResult, SnoozeResult } from "../digest-service.js";
import type { DigestHandlerDeps } from "./types.js";

export const STALE_BUTTON = "That button is out of date; run `/wl digest` for a fresh one.";

export function whoClicked(ctx: ActionCtx): string {
  return ctx.actor.slackUserId ? `<@${ctx.actor.slackUserId}>` : esc(ctx.actor.displayName);
}

/**
 * After a digest button acted: the row in the digest message replaced in place (what was done,
 * by whom, the health now), so the channel sees it was handled; on a private message (which
 * chat.update cannot reach) or if Slack refuses, the clicker is told instead.
 */
export async function answerInPlace(
  deps: Pick<DigestHandlerDeps, "logger">,
  ctx: ActionCtx,
  creator: (ActResult | SnoozeResult)["creator"],
  note: string,
): Promise<Answer | undefined> {
  const msg = ctx.body.message;
  const channel = ctx.body.channel?.id ?? (ctx.body.container?.channel_id as string | undefined);
  const blocks = msg?.blocks ? replaceRow(msg.blocks as unknown[], creator.id, actedRowBlocks(creator, note)) : null;
  if (msg && channel && blocks && !ctx.body.container?.is_ephemeral) {
    try {
      await ctx.client.chat.update({ channel, ts: msg.ts, text: msg.text ?? "Creator health digest", blocks });
      return;
    } catch (e) {
      deps.logger.warn({ err: e, channel }, "could not update the digest message in place");
    }
  }
  return { reply: `${note} (*${esc(creator.brandName)}*, now ${creator.score}).` };
}

/** `Mark contacted` on a digest row: last contacted today (audited, health recomputed). */
export const digestContactedButton = (deps: DigestHandlerDeps): ActionRoute => ({
  label: `${LABELS.markContacted} (digest)`,
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const id = parseId(ctx.action.value, STALE_BUTTON);
    const r = await deps.digests.markContacted(ctx.actor, id, deps.today());
    return answerInPlace(deps, ctx, r.creator, `✅ Marked contacted by ${whoClicked(ctx)} on *${r.to}*`);
  },
});
