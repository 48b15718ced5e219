import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { decidedAck } from "../vault-blocks.js";
import type { VaultHandlerDeps } from "./types.js";

/**
 * `Approve` / `Deny` (admin, never one's own request): one conditional write decides; the
 * prompts lose their buttons, the requester is told.
 */
export const decideButton = (deps: Pick<VaultHandlerDeps, "reveal" | "notify">, decision: "APPROVED" | "DENIED"): ActionRoute => ({
  label: `${decision === "APPROVED" ? LABELS.approve : LABELS.deny} reveal request`,
  minRole: "admin",
  model: "RevealRequest",
  async handle(ctx) {
    const v = await deps.reveal.decide(ctx.actor, parseId(ctx.action.value), decision);
    await deps.notify.refresh(v);
    if (decision === "APPROVED") await deps.notify.grant(v);
    else await deps.notify.denied(v);
    // From `/wl approvals` (ephemeral) the list entry is replaced; elsewhere the prompt itself was updated.
    const fromEphemeral = Boolean((ctx.body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral);
    return { reply: { text: decidedAck(v), ...(fromEphemeral ? { replace_original: true } : {}) } };
  },
});
