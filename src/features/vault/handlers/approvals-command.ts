import type { CommandRoute } from "../../../slack/router.js";
import { pendingListBlocks } from "../vault-blocks.js";
import type { VaultHandlerDeps } from "./types.js";

/** `/wl approvals` (admin): pending reveal requests with `Approve` and `Deny`. */
export const approvalsCommand = (deps: Pick<VaultHandlerDeps, "reveal">): CommandRoute => ({
  name: "approvals",
  usage: "approvals",
  description: "pending credential reveal requests, to approve or deny",
  minRole: "admin",
  async handle(ctx) {
    const [views, total] = await Promise.all([deps.reveal.pending(20), deps.reveal.countPending()]);
    return { reply: pendingListBlocks(views, total, ctx.actor.userId), shown: `listed ${views.length} pending reveal request(s)` };
  },
});
