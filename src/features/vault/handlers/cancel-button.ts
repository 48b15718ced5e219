import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { cancelledText } from "../vault-blocks.js";
import type { VaultHandlerDeps } from "./types.js";

/**
 * `Cancel request` (the requester, on their "request sent" message): one conditional write
 * cancels it; the approvers' prompts lose their buttons; the clicked message is replaced.
 */
export const cancelButton = (deps: Pick<VaultHandlerDeps, "reveal" | "notify">): ActionRoute => ({
  label: `${LABELS.cancelRequest} (reveal)`,
  minRole: "staff",
  model: "RevealRequest",
  async handle(ctx) {
    const v = await deps.reveal.cancel(ctx.actor, parseId(ctx.action.value));
    await deps.notify.refresh(v);
    return { reply: { text: cancelledText(v), replace_original: true } };
  },
});
