import type { Answer, ViewCtx } from "../../../slack/router.js";
import { credentialListAnswer } from "./credential-list.js";
import { CREDENTIAL_LIST, type VaultHandlerDeps } from "./types.js";

/**
 * A vault form's answer: opened from a creator's credential list, the list is redrawn in its
 * place with the confirmation on top; otherwise the confirmation alone. A failed redraw still
 * says what was saved.
 */
export async function vaultFormAnswer(
  deps: Pick<VaultHandlerDeps, "vault">,
  ctx: Pick<ViewCtx, "place" | "actor" | "logger">,
  creatorId: string,
  note: string,
): Promise<Answer> {
  if ((await ctx.place())?.shows !== CREDENTIAL_LIST) return { reply: note };
  try {
    return await credentialListAnswer(deps, ctx.actor, creatorId, { replace: true, note });
  } catch (e) {
    ctx.logger.warn({ err: (e as Error).message }, "could not redraw the credential list after a form");
    return { reply: note };
  }
}
