import type { MultiFernet } from "../../crypto/fernet.js";
import type { Actor } from "../../identity/actor.js";
import type { Logger } from "../../logger.js";
import { AppError, ErrorCode, isAppError } from "../../errors.js";
import { decryptSecrets } from "./secret-fields.js";
import { postToResponseUrl, scheduleDelete } from "./response-url.js";
import { decryptFailedText, revealBlocks } from "./vault-blocks.js";
import { displayOf, type RevealService } from "./reveal-service.js";
import type { RevealNotifier } from "./reveal-notify.js";
import type { VaultService } from "./vault-service.js";

/**
 * The one use case that handles plaintext. Order matters: claim (one conditional UPDATE, with
 * its audit rows, committed) -> decrypt (fail closed) -> show by replacing the clicked
 * ephemeral message -> schedule its removal -> update the receipts. Every exit before "show"
 * shows nothing. The caller guarantees the clicked message is ephemeral.
 */
export type RevealOnce = ReturnType<typeof createRevealOnce>;

export function createRevealOnce(deps: {
  reveal: Pick<RevealService, "claim" | "recordDecryptFailure">;
  vault: Pick<VaultService, "auditView">;
  notify: Pick<RevealNotifier, "refresh">;
  fernet: MultiFernet;
  logger: Logger;
  messageTtlSeconds: number;
}) {
  const { reveal, vault, notify, fernet, logger } = deps;
  return async function revealOnce(actor: Actor, requestId: string, responseUrl: string): Promise<void> {
    let claimed;
    try {
      claimed = await reveal.claim(actor, requestId);
    } catch (e) {
      if (isAppError(e)) throw e;
      // The claim and its audit rows rolled back together: the grant is still unused.
      logger.error({ err: e, requestId }, "reveal claim failed; nothing was revealed and the grant is unused");
      throw new AppError(ErrorCode.Internal, {
        message: "reveal claim failed",
        userMessage: "I couldn't record the reveal in the audit log, so nothing was shown. Your approval is still valid; please try again.",
      });
    }
    const { view, tokens, notes } = claimed;
    const opened = decryptSecrets(fernet, tokens);
    if (!opened.ok) {
      logger.error({ requestId, credentialId: view.credentialId, fields: opened.failed }, "credential token opens with no configured key; reveal failed closed");
      await reveal.recordDecryptFailure(actor, view, opened.failed);
      await notify.refresh(view);
      throw new AppError(ErrorCode.Internal, { message: "undecryptable credential token", userMessage: decryptFailedText() });
    }
    const ttl = deps.messageTtlSeconds;
    try {
      // Replaces the clicked ephemeral message (it stays ephemeral), so delete_original on the
      // same URL later removes exactly this message.
      await postToResponseUrl(responseUrl, { response_type: "ephemeral", replace_original: true, ...revealBlocks(view, opened.values, notes, ttl) });
    } catch (e) {
      logger.warn({ requestId, error: (e as Error).message }, "Slack did not take the revealed message");
      await vault.auditView(actor, { model: "RevealRequest", id: requestId, display: displayOf(view) }, "reveal claimed but Slack refused the message; nothing was shown");
      throw new AppError(ErrorCode.Upstream, { message: "reveal delivery failed", userMessage: "Slack didn't accept the message, so nothing was shown. Please request a new reveal." });
    }
    scheduleDelete(responseUrl, ttl, logger, requestId);
    await notify.refresh(view);
  };
}
