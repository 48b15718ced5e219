import type { ViewRoute } from "../../../slack/router.js";
import { parseId } from "../../../slack/ids.js";
import { credentialLabel } from "../vault-blocks.js";
import { credentialFormSchema, parseForm } from "../vault-schemas.js";
import { vaultFormAnswer } from "./form-answer.js";
import type { VaultHandlerDeps } from "./types.js";

/** The Add credential form: secrets encrypted before they reach the database. */
export const addCredentialForm = (deps: Pick<VaultHandlerDeps, "vault">): ViewRoute => ({
  label: "Add credential form",
  minRole: "staff",
  model: "Creator",
  metaKey: "creatorId",
  async handle(ctx) {
    const creatorId = parseId(ctx.meta.creatorId, "This form is out of date. Open it again.");
    const form = parseForm(credentialFormSchema, ctx.view.state.values);
    const meta = await deps.vault.create(ctx.actor, creatorId, form);
    await ctx.ack();
    return vaultFormAnswer(
      deps,
      ctx,
      meta.creatorId,
      `Added credential ${credentialLabel(meta)}. Its secrets are encrypted; use \`/wl creds\` to request a reveal.`,
    );
  },
});
