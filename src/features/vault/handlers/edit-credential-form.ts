import type { ViewRoute } from "../../../slack/router.js";
import { parseId } from "../../../slack/ids.js";
import { credentialLabel, endedNote } from "../vault-blocks.js";
import { credentialFormSchema, parseForm } from "../vault-schemas.js";
import { vaultFormAnswer } from "./form-answer.js";
import type { VaultHandlerDeps } from "./types.js";

/** The Edit credential form (admin). */
export const editCredentialForm = (deps: Pick<VaultHandlerDeps, "vault" | "notify">): ViewRoute => ({
  label: "Edit credential form",
  minRole: "admin",
  model: "CreatorCredential",
  metaKey: "credentialId",
  async handle(ctx) {
    const id = parseId(ctx.meta.credentialId, "This form is out of date. Open it again.");
    const form = parseForm(credentialFormSchema, ctx.view.state.values);
    const { meta, changed, endedRequests } = await deps.vault.update(ctx.actor, id, form);
    await ctx.ack();
    // An edit of a secret, the account or the platform ended open requests and approvals (in
    // its transaction): their messages now say why.
    await deps.notify.ended(endedRequests);
    const note =
      (changed.length ? `Updated ${credentialLabel(meta)}: ${changed.join(", ")}.` : `No changes to ${credentialLabel(meta)}.`) +
      endedNote(endedRequests.length);
    return { shown: "Edit credential form submitted; nothing changed", ...(await vaultFormAnswer(deps, ctx, meta.creatorId, note)) };
  },
});
