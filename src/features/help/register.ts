import type { Router } from "../../slack/router.js";
import type { FeatureDeps } from "../types.js";
import { writeAudit } from "../../audit/audit-service.js";
import { nameToUuid } from "../../audit/audit-fns.js";
import { helpBlocks } from "./help-blocks.js";

export function register(router: Router, { db }: FeatureDeps): void {
  router.command({
    name: "help",
    usage: "help",
    description: "the commands your role allows",
    // Anyone may ask; people without a role are told how to get access.
    minRole: "staff",
    handler: async (ctx) => {
      await writeAudit(db, ctx.actor, {
        action: "VIEW",
        targetModel: "SlackCommand",
        targetId: nameToUuid("command:help"),
        targetDisplay: "/wl help",
      });
      await ctx.reply(helpBlocks(router.commandsFor(ctx.actor.role), ctx.actor.role));
    },
  });
}
