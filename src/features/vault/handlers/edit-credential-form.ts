import type { ViewRoute } from "../../../slack/router.js";
import { parseId } from "../../../slack/ids.js";
import { credentialLabel } from "../vault-blocks.js";
import { credentialFormSchema, parseForm } from "../vault-schemas.js";
import type { VaultHandlerDeps } from "./types.js";

/** The Edit credential form (admin). */
export const editCredentialForm = (deps: Pick<VaultHandlerDeps, "vault">): ViewRoute => ({
  label: "Edit credential form",
  minRole: "admin",
  model: "CreatorCredential",
  metaKey: "credentialId",
  async handle(ctx) {
    const id = parseId(ctx.meta.credentialId, "This form is out of date. Open it again.");
    const form = parseForm(credentialFormSchema, ctx.view.state.values);
    const { meta, changed } = await deps.vault.update(ctx.actor, id, form);
    await ctx.ack();
    return {
      reply: changed.length ? `Updated ${credentialLabel(meta)}: ${changed.join(", ")}.` : `No changes to ${credentialLabel(meta)}.`,
      shown: "Edit credential form submitted; nothing changed",
    };
  },
});
