import { AppError, ErrorCode, forbidden } from "../../../errors.js";
import type { Actor } from "../../../identity/actor.js";
import { hasRole } from "../../../identity/roles.js";
import type { Answer } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import type { DigestHandlerDeps } from "./types.js";

/**
 * `/wl digest now` (manager): posts to DIGEST_CHANNEL. postDigestNow audits the outcome once it
 * is known (posted, partly posted or failed), so a failure is answered here, not rethrown into
 * a second (refusal) row.
 */
export async function postNowAnswer(deps: DigestHandlerDeps, actor: Actor): Promise<Answer> {
  if (!hasRole(actor.role, "manager")) {
    throw forbidden(
      `\`/wl digest now\` needs the *manager* role; you are *${actor.role ?? "none"}*. \`/wl digest\` shows you a preview.`,
      `needs manager, has ${actor.role ?? "no role"}`,
    );
  }
  const channel = deps.channel;
  if (!channel) {
    throw new AppError(ErrorCode.NotConfigured, {
      userMessage:
        "There is no digest channel (`DIGEST_CHANNEL` is not set), so there is nowhere to post. Ask an admin to set it; `/wl digest` shows you a preview.",
    });
  }
  try {
    const r = await deps.postNow(actor, deps.today());
    return {
      reply: `Posted the digest to <#${channel}>: ${r.creators} ${r.creators === 1 ? "creator" : "creators"} in ${r.parts} ${r.parts === 1 ? "message" : "messages"}. Today's scheduled digest still goes out as usual.`,
    };
  } catch (e) {
    deps.logger.error({ err: e, channel }, "on-demand digest could not be posted");
    return {
      reply: `I couldn't post the digest to <#${channel}> (Slack said: ${esc((e as { data?: { error?: string } }).data?.error ?? "an error")}). Is the bot in that channel?`,
      shown: `on-demand digest to ${channel} failed`,
    };
  }
}
