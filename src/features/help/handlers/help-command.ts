import type { CommandRoute, Router } from "../../../slack/router.js";
import { helpBlocks } from "../help-blocks.js";

/** `/wl help` (and a bare `/wl`): exactly the commands the caller's role allows. */
export const helpCommand = (router: Pick<Router, "commandsFor">): CommandRoute => ({
  name: "help",
  usage: "help",
  description: "the commands your role allows",
  minRole: "staff",
  async handle(ctx) {
    return { reply: helpBlocks(router.commandsFor(ctx.actor.role), ctx.actor.role), shown: "help shown" };
  },
});
