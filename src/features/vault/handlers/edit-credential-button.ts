import { notFound } from "../../../errors.js";
import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { openLoaded } from "../../../slack/modals.js";
import { credentialLabel, credentialModal } from "../vault-blocks.js";
import { CREDENTIAL_LIST, type VaultHandlerDeps } from "./types.js";

/** `Edit` on a credential (admin): metadata filled in; secret inputs start empty (never shown). */
export const editCredentialButton = (deps: Pick<VaultHandlerDeps, "vault">): ActionRoute => ({
  label: `${LABELS.edit} credential`,
  minRole: "admin",
  model: "CreatorCredential",
  async handle(ctx) {
    const id = parseId(ctx.action.value);
    await openLoaded(
      ctx,
      "Edit credential",
      async () => {
        const cred = await deps.vault.get(id);
        if (!cred) throw notFound("That credential doesn't exist (any more).");
        await ctx.record("opened the Edit credential form (no secrets shown)", {
          targetModel: "CreatorCredential",
          targetId: id,
          targetDisplay: credentialLabel(cred),
        });
        return credentialModal("edit", { credentialId: id }, cred, cred.brandName);
      },
      { shows: CREDENTIAL_LIST },
    );
  },
});
