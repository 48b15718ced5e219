import type { MultiFernet } from "../../crypto/fernet.js";
import type { Tx } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import type { Logger } from "../../logger.js";
import type { BotMetrics } from "../../metrics/metrics.js";
import { AppError, ErrorCode, isAppError } from "../../errors.js";
import { postToResponseUrl, ResponseUrlError, RESPONSE_URL_TIMEOUT_MS } from "../../slack/response-url.js";
import { decryptSecrets } from "./secret-fields.js";
import { decryptFailedText, revealBlocks } from "./vault-blocks.js";
import type { RevealService } from "./reveal-service.js";
import { displayOf } from "./reveal-request-view.js";
import type { RevealNotifier } from "./reveal-notify.js";
import type { VaultService } from "./vault-service.js";

/** What the use case needs of the deletion job (reveal-deletion.ts). */
export type RevealDeletions = {
  /** In the claim's transaction: the revealed message is removed `ttlSeconds` later, by any replica. */
  schedule(tx: Tx, requestId: string, responseUrl: string): Promise<unknown>;
  /** Slack refused the reveal outright: nothing to remove. */
  cancel(requestId: string): Promise<unknown>;
};

/**
 * The one use case that handles plaintext. Order matters: claim, decrypt and record the
 * outcome in ONE transaction (the "revealed" row and its deletion job, or the "decrypt
 * failed" row alone, with the grant left unused) -> show by replacing the clicked ephemeral
 * message -> update the receipts. Every exit before "show" shows nothing; plaintext never
 * reaches a row, a job or a log. The caller guarantees the clicked message is ephemeral.
 */
export type RevealOnce = ReturnType<typeof createRevealOnce>;

export function createRevealOnce(deps: {
  reveal: Pick<RevealService, "claim">;
  vault: Pick<VaultService, "auditView">;
  notify: Pick<RevealNotifier, "refresh">;
  deletions: RevealDeletions;
  fernet: MultiFernet;
  logger: Logger;
  metrics: Pick<BotMetrics, "revealOutcome">;
  messageTtlSeconds: number;
  /** How long Slack gets to take the reveal before its delivery counts as unconfirmed. */
  deliveryTimeoutMs?: number;
}) {
  const { reveal, vault, notify, deletions, fernet, logger, metrics } = deps;
  const ttl = deps.messageTtlSeconds;
  return async function revealOnce(actor: Actor, requestId: string, responseUrl: string): Promise<void> {
    let outcome: Awaited<ReturnType<typeof reveal.claim>>;
    try {
      outcome = await reveal.claim(actor, requestId, {
        // CPU only, inside the claim's transaction: the audit says what happened, not what was hoped.
        open: (tokens) => decryptSecrets(fernet, tokens),
        onRevealed: (tx) => deletions.schedule(tx, requestId, responseUrl),
      });
    } catch (e) {
      if (isAppError(e)) {
        metrics.revealOutcome("refused");
        throw e;
      }
      metrics.revealOutcome("claim_failed");
      // The claim, its audit rows and its deletion job rolled back together: the grant is still unused.
      logger.error({ err: e, requestId }, "reveal claim failed; nothing was revealed and the grant is unused");
      throw new AppError(ErrorCode.Internal, {
        message: "reveal claim failed",
        userMessage: "I couldn't record the reveal in the audit log, so nothing was shown. Your approval is still valid; please try again.",
      });
    }
    const { view } = outcome;
    if (outcome.kind === "undecryptable") {
      metrics.revealOutcome("undecryptable");
      logger.error(
        { requestId, credentialId: view.credentialId, fields: outcome.failed },
        "credential token opens with no configured key; reveal failed closed",
      );
      throw new AppError(ErrorCode.Internal, { message: "undecryptable credential token", userMessage: decryptFailedText() });
    }
    const target = { model: "RevealRequest", id: requestId, display: displayOf(view) };
    try {
      // Replaces the clicked ephemeral message (it stays ephemeral), so delete_original on the
      // same URL later removes exactly this message.
      await postToResponseUrl(
        responseUrl,
        { response_type: "ephemeral", replace_original: true, ...revealBlocks(view, outcome.values, outcome.notes, ttl) },
        { timeoutMs: deps.deliveryTimeoutMs ?? RESPONSE_URL_TIMEOUT_MS },
      );
    } catch (e) {
      if (e instanceof ResponseUrlError && e.status < 500) {
        // A definite refusal: Slack did not show it, so there is nothing to delete.
        logger.warn({ requestId, status: e.status }, "Slack refused the revealed message");
        metrics.revealOutcome("slack_refused");
        await deletions
          .cancel(requestId)
          .catch((err: unknown) => logger.warn({ err, requestId }, "could not cancel the reveal's deletion; it will find nothing to delete"));
        await vault.auditView(actor, target, `reveal claimed but Slack refused the message (HTTP ${e.status}); nothing was shown`);
        throw new AppError(ErrorCode.Upstream, {
          message: "reveal delivery refused",
          userMessage: "Slack didn't accept the message, so nothing was shown. Please request a new reveal.",
        });
      }
      // A timeout, a 5xx or a dropped connection: Slack may well have shown it. The deletion
      // stored with the claim stays scheduled.
      metrics.revealOutcome("unconfirmed");
      logger.warn(
        { requestId, error: e instanceof ResponseUrlError ? e.message : (e as Error).name },
        "Slack did not confirm the revealed message; its deletion stays scheduled",
      );
      await vault.auditView(
        actor,
        target,
        `reveal delivery unconfirmed (${e instanceof ResponseUrlError ? `HTTP ${e.status}` : "no answer in time"}): the secret may have been shown; its deletion stays scheduled`,
      );
      await notify.refresh(view);
      throw new AppError(ErrorCode.Upstream, {
        message: "reveal delivery unconfirmed",
        userMessage: `Slack didn't confirm it showed the secret. If you can see it, it is deleted in ${ttl} seconds as usual; if you can't, request a new reveal.`,
      });
    }
    metrics.revealOutcome("shown");
    await notify.refresh(view);
  };
}
