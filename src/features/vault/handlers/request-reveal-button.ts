import { AppError, ErrorCode, notFound } from "../../../errors.js";
import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { openLoaded } from "../../../slack/modals.js";
import { credentialLabel, reasonModal } from "../vault-blocks.js";
import { CREDENTIAL_LIST, type VaultHandlerDeps } from "./types.js";

/** `Request reveal`: asks for a reason. */
export const requestRevealButton = (deps: Pick<VaultHandlerDeps, "vault">): ActionRoute => ({
  label: LABELS.requestReveal,
  minRole: "staff",
  model: "CreatorCredential",
  async handle(ctx) {
    const id = parseId(ctx.action.value);
    await openLoaded(
      ctx,
      "Request reveal",
      async () => {
        const cred = await deps.vault.get(id);
        if (!cred) throw notFound("That credential doesn't exist (any more).");
        if (!cred.isActive) throw new AppError(ErrorCode.Forbidden, { userMessage: "That credential has been deactivated." });
        await ctx.record("opened the Request reveal form", { targetModel: "CreatorCredential", targetId: id, targetDisplay: credentialLabel(cred) });
        return reasonModal(id, cred);
      },
      { shows: CREDENTIAL_LIST },
    );
  },
});
