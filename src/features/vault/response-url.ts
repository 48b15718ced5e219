import type { Logger } from "../../logger.js";
import { postToResponseUrl } from "../../slack/response-url.js";

// The reveal goes out through the click's response_url only: an ephemeral message is seen by
// the clicker alone and is not stored in the channel's history. With Slack, delete_original
// removes the message whose button was clicked, never a later answer; so the reveal REPLACES
// the clicked (ephemeral) message, and delete_original then removes the reveal itself.
// The URL is never logged (whoever holds it can post as the bot for 30 minutes).

export { postToResponseUrl };

/**
 * Removes the revealed message after `seconds`, with the same response_url. The timer is
 * unref'd so it never holds a stopping process open; a restart before it fires leaves the
 * ephemeral message to Slack's own lifetime (ephemeral messages vanish on reload anyway).
 */
export function scheduleDelete(responseUrl: string, seconds: number, logger: Logger, requestId: string): void {
  const timer = setTimeout(() => {
    postToResponseUrl(responseUrl, { delete_original: true }).catch((e: unknown) =>
      logger.warn({ requestId, error: (e as Error).message }, "could not remove a revealed message"),
    );
  }, seconds * 1000);
  timer.unref();
}
