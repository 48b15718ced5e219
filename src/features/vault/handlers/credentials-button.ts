import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { credentialListAnswer } from "./credential-list.js";
import type { VaultHandlerDeps } from "./types.js";

/** The card's `Credentials`. */
export const credentialsButton = (deps: Pick<VaultHandlerDeps, "vault">): ActionRoute => ({
  label: `${LABELS.credentials} (list)`,
  minRole: "staff",
  model: "Creator",
  handle: async (ctx) => credentialListAnswer(deps, ctx.actor, parseId(ctx.action.value)),
});
