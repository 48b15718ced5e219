import type { WebClient } from "@slack/web-api";
import { AppError, ErrorCode, invalid } from "../../../errors.js";
import type { IdentityService } from "../../../identity/identity-service.js";
import type { SlackDirectory } from "../../../identity/slack-directory.js";
import type { Logger } from "../../../logger.js";
import type { CommandRoute } from "../../../slack/router.js";
import { parseRoleArgs, roleChangedText, ROLE_USAGE } from "../roles-fns.js";

type Deps = { identity: Pick<IdentityService, "setRole">; directory: SlackDirectory; client: WebClient; logger: Logger };

/**
 * `/wl role @person staff|manager|admin|none` (admin): parse, guard, one service call, reply;
 * the DM after commit. An admin may change their own role while another admin remains: the
 * service refuses any change that would leave the studio without one.
 */
export const roleCommand = ({ identity, directory, client, logger }: Deps): CommandRoute => ({
  name: "role",
  usage: ROLE_USAGE,
  description: "set someone's role (none removes access)",
  minRole: "admin",
  async handle(ctx) {
    const parsed = parseRoleArgs(ctx.args);
    if (!parsed) throw invalid(`Usage: \`/wl ${ROLE_USAGE}\` (mention the person with @).`);
    const profile = await directory.lookup(parsed.slackUserId).catch(() => null);
    if (!profile || profile.isBot) {
      throw new AppError(ErrorCode.NotFound, { userMessage: "I couldn't find that Slack user (bots can't have roles)." });
    }
    const change = await identity.setRole(ctx.actor, profile, parsed.role);
    const to = change.to ?? "none";
    if (change.from !== change.to) {
      await client.chat
        .postMessage({
          channel: profile.slackUserId,
          text: roleChangedText(ctx.actor.displayName, change.to),
        })
        .catch((e: unknown) => logger.warn({ err: e }, "could not DM the user about their role"));
    }
    return {
      reply:
        change.from === change.to
          ? `<@${profile.slackUserId}> already has the role *${to}*.`
          : `<@${profile.slackUserId}> now has the role *${to}* (was ${change.from ?? "none"}).`,
    };
  },
});
