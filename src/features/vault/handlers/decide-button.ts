import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { decidedAck } from "../vault-blocks.js";
import { placeOfAction } from "../../../slack/answer-in-place.js";
import { approvalKey } from "../reveal-notify.js";
import type { VaultHandlerDeps } from "./types.js";

/**
 * `Approve` / `Deny` (admin, never one's own request): one conditional write decides; the
 * prompts lose their buttons, the requester is told.
 */
export const decideButton = (deps: Pick<VaultHandlerDeps, "reveal" | "notify" | "places">, decision: "APPROVED" | "DENIED"): ActionRoute => ({
  label: `${decision === "APPROVED" ? LABELS.approve : LABELS.deny} reveal request`,
  minRole: "admin",
  model: "RevealRequest",
  async handle(ctx) {
    const v = await deps.reveal.decide(ctx.actor, parseId(ctx.action.value), decision);
    await deps.notify.refresh(v);
    if (decision === "APPROVED") await deps.notify.grant(v);
    else await deps.notify.denied(v);
    // From `/wl approvals` (ephemeral) the list entry is replaced, and its place kept so the
    // reveal (or expiry) updates it again; elsewhere the prompt itself was updated.
    const fromEphemeral = Boolean((ctx.body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral);
    const where = placeOfAction(ctx.body);
    if (decision === "APPROVED" && fromEphemeral && where?.kind === "message") {
      await deps.places
        .remember(approvalKey(v.id), ctx.body.user.id, where)
        .catch((e: unknown) => ctx.logger.warn({ err: e }, "could not keep the approval's place"));
    }
    return { reply: { text: decidedAck(v), ...(fromEphemeral ? { replace_original: true } : {}) } };
  },
});
