import { notFound } from "../../../errors.js";
import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { openLoaded } from "../../../slack/modals.js";
import { credentialModal } from "../vault-blocks.js";
import { CREDENTIAL_LIST, type VaultHandlerDeps } from "./types.js";

/** `Add credential`: the form, naming the creator. */
export const addCredentialButton = (deps: Pick<VaultHandlerDeps, "vault">): ActionRoute => ({
  label: LABELS.addCredential,
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const creatorId = parseId(ctx.action.value);
    await openLoaded(
      ctx,
      "Add credential",
      async () => {
        const creator = await deps.vault.creator(creatorId);
        if (!creator) throw notFound("That creator doesn't exist (any more).");
        await ctx.record("opened the Add credential form", {
          targetModel: "Creator",
          targetId: creatorId,
          targetDisplay: `${creator.brandName}: add credential`,
        });
        return credentialModal("add", { creatorId }, undefined, creator.brandName);
      },
      { shows: CREDENTIAL_LIST },
    );
  },
});
