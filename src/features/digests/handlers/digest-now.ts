import { randomUUID } from "node:crypto";
import { AppError, ErrorCode, forbidden } from "../../../errors.js";
import type { Actor } from "../../../identity/actor.js";
import { hasRole } from "../../../identity/roles.js";
import type { Answer } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import type { DigestHandlerDeps } from "./types.js";

/** `/wl digest now` (manager): posts to DIGEST_CHANNEL; the audit row says what happened, after it happened. */
export async function postNowAnswer(deps: DigestHandlerDeps, actor: Actor): Promise<Answer> {
  if (!hasRole(actor.role, "manager")) {
    throw forbidden(`\`/wl digest now\` needs the *manager* role; you are *${actor.role ?? "none"}*. \`/wl digest\` shows you a preview.`, `needs manager, has ${actor.role ?? "no role"}`);
  }
  const channel = deps.channel;
  if (!channel) {
    throw new AppError(ErrorCode.NotConfigured, {
      userMessage: "There is no digest channel (`DIGEST_CHANNEL` is not set), so there is nowhere to post. Ask an admin to set it; `/wl digest` shows you a preview.",
    });
  }
  const r = await deps.postNow(actor, deps.today()).catch((e: unknown) => {
    deps.logger.error({ err: e, channel }, "on-demand digest could not be posted");
    throw new AppError(ErrorCode.Upstream, {
      message: "on-demand digest failed",
      userMessage: `I couldn't post the digest to <#${channel}> (Slack said: ${esc((e as { data?: { error?: string } }).data?.error ?? "an error")}). Is the bot in that channel?`,
      cause: e,
    });
  });
  // Recorded once the outcome is known: a failure above is recorded by the pipeline as a refusal.
  await deps.digests.recordPosted(actor, randomUUID(), r);
  return {
    reply: `Posted the digest to <#${channel}>: ${r.creators} ${r.creators === 1 ? "creator" : "creators"} in ${r.parts} ${r.parts === 1 ? "message" : "messages"}. Today's scheduled digest still goes out as usual.`,
  };
}
