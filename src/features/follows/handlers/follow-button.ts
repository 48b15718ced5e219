import type { ActionRoute, ReplyMessage } from "../../../slack/router.js";
import { parseId } from "../../../slack/ids.js";
import { esc } from "../../../slack/mrkdwn.js";
import { cardAnswer } from "../../creators/creator-answers.js";
import type { CreatorHandlerDeps } from "../../creators/handlers/types.js";
import type { FollowService } from "../follow-service.js";
import { FOLLOW_LABELS } from "../follow-ids.js";

export type FollowHandlerDeps = Pick<CreatorHandlerDeps, "creators" | "today"> & { follows: FollowService };

/** `Follow` / `Unfollow` on the card: the follow (audited), then the card again, in place when it was ephemeral. */
export const followButton = (deps: FollowHandlerDeps, follow: boolean): ActionRoute => ({
  label: `${follow ? FOLLOW_LABELS.follow : FOLLOW_LABELS.unfollow} creator`,
  minRole: "manager",
  model: "Creator",
  async handle(ctx) {
    const r = await deps.follows.set(ctx.actor, parseId(ctx.action.value), follow);
    const name = esc(r.creator.brandName);
    const notice = follow
      ? `${r.changed ? "You now follow" : "You already follow"} *${name}*: they are in your digest when it covers only creators you follow.`
      : `${r.changed ? "You no longer follow" : "You did not follow"} *${name}*.`;
    // cardAnswer's reply is the one card message.
    const card = (await cardAnswer(deps, ctx.actor, r.creator.id, { notice })).reply as ReplyMessage;
    return { reply: ctx.body.container?.is_ephemeral ? { ...card, replace_original: true } : card };
  },
});
