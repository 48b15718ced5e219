import type { Router } from "../../slack/router.js";
import type { FeatureDeps } from "../types.js";
import { AppError, ErrorCode, invalid } from "../../errors.js";
import { parseRoleArgs, roleChangedText, ROLE_USAGE } from "./roles-fns.js";

export function register(router: Router, { identity, directory, client, logger }: FeatureDeps): void {
  router.command({
    name: "role",
    usage: ROLE_USAGE,
    description: "set someone's role (none removes access)",
    minRole: "admin",
    handler: async (ctx) => {
      const parsed = parseRoleArgs(ctx.args);
      if (!parsed) throw invalid(`Usage: \`/wl ${ROLE_USAGE}\` (mention the person with @).`);
      const profile = await directory.lookup(parsed.slackUserId).catch(() => null);
      if (!profile || profile.isBot) {
        throw new AppError(ErrorCode.NotFound, { userMessage: "I couldn't find that Slack user (bots can't have roles)." });
      }
      const change = await identity.setRole(ctx.actor, profile, parsed.role);
      const to = change.to ?? "none";
      await ctx.reply(
        change.from === change.to
          ? `<@${profile.slackUserId}> already has the role *${to}*.`
          : `<@${profile.slackUserId}> now has the role *${to}* (was ${change.from ?? "none"}).`,
      );
      if (change.from !== change.to) {
        await client.chat
          .postMessage({
            channel: profile.slackUserId,
            text: roleChangedText(ctx.actor.displayName, change.to),
          })
          .catch((e: unknown) => logger.warn({ err: e }, "could not DM the user about their role"));
      }
    },
  });
}
