import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { credentialLabel } from "../vault-blocks.js";
import { credentialListAnswer } from "./credential-list.js";
import type { VaultHandlerDeps } from "./types.js";

/** `Deactivate` (admin): ends every open request and approval of it, then redraws the list. */
export const deactivateButton = (deps: Pick<VaultHandlerDeps, "vault" | "notify">): ActionRoute => ({
  label: `${LABELS.deactivate} credential`,
  minRole: "admin",
  model: "CreatorCredential",
  async handle(ctx) {
    const { meta, expiredRequests } = await deps.vault.deactivate(ctx.actor, parseId(ctx.action.value));
    await deps.notify.ended(expiredRequests);
    const { reply } = await credentialListAnswer(deps, ctx.actor, meta.creatorId, { replace: true, note: `Deactivated ${credentialLabel(meta)}.` });
    return { reply };
  },
});
