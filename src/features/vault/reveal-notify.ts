import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../logger.js";
import type { IdentityService } from "../../identity/identity-service.js";
import type { RevealService } from "./reveal-service.js";
import type { PostedMessage, RequestView } from "./reveal-request-view.js";
import { approvalPromptBlocks, decidedAck, deniedText, endedText, grantBlocks, reminderBlocks, revealOfferBlocks } from "./vault-blocks.js";
import type { AnswerPlaces } from "../../slack/answer-in-place.js";
import { postToResponseUrl } from "../../slack/response-url.js";

/** The answer place of an admin's ephemeral "Approved" message (from `/wl approvals`), by request. */
export const approvalKey = (requestId: string) => `approval:${requestId}`;

export type RevealNotifier = ReturnType<typeof createRevealNotifier>;

/**
 * The Slack side of a reveal request, always after the database change has committed. Nothing
 * posted here carries a secret: prompts, DMs and their updates show metadata and outcomes only.
 * A failed post is logged and never undoes the decision it reports.
 */
export function createRevealNotifier(deps: {
  client: WebClient;
  logger: Logger;
  identity: Pick<IdentityService, "usersWithRole">;
  reveal: Pick<RevealService, "addMessages" | "view">;
  approvalsChannel: string | undefined;
  revealTtlSeconds: number;
  places: Pick<AnswerPlaces, "find" | "forget">;
}) {
  const { client, logger, reveal } = deps;

  async function post(channel: string, msg: { text: string; blocks: unknown[] }): Promise<{ channel: string; ts: string } | null> {
    try {
      const r = await client.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks as never });
      return r.channel && r.ts ? { channel: r.channel, ts: r.ts } : null;
    } catch (e) {
      logger.warn({ err: e, channel }, "could not post a reveal message");
      return null;
    }
  }

  /** Re-renders every message about the request to its current state (buttons gone once decided). */
  async function refresh(v: RequestView): Promise<void> {
    await Promise.all(
      v.messages.map(async (m) => {
        const msg = m.kind === "grant" ? grantBlocks(v, deps.revealTtlSeconds) : approvalPromptBlocks(v);
        await client.chat
          .update({ channel: m.channel, ts: m.ts, text: msg.text, blocks: msg.blocks })
          .catch((e: unknown) => logger.warn({ err: e, requestId: v.id, channel: m.channel }, "could not update a reveal message"));
      }),
    );
    if (v.status !== "PENDING" && v.status !== "APPROVED") await refreshDeciderAck(v);
  }

  /**
   * The deciding admin's ephemeral "Approved: … not revealed yet" (a `/wl approvals` entry it
   * replaced) is not a message the bot can chat.update: its click's response_url, stored when
   * they decided, replaces it once more with what became of the approval.
   */
  async function refreshDeciderAck(v: RequestView): Promise<void> {
    if (!v.deciderSlackId) return;
    const key = approvalKey(v.id);
    try {
      const place = await deps.places.find(key, v.deciderSlackId);
      if (place?.kind !== "message") return;
      await postToResponseUrl(place.responseUrl, { response_type: "ephemeral", replace_original: true, text: decidedAck(v) });
      await deps.places.forget(key);
    } catch (e) {
      logger.warn({ err: (e as Error).message, requestId: v.id }, "could not update the approver's message");
    }
  }

  /** If a decision landed while messages were being posted, they are brought up to date. */
  async function remember(v: RequestView, posted: PostedMessage[]): Promise<void> {
    const status = await reveal.addMessages(v.id, posted);
    if (status && status !== v.status) {
      const now = await reveal.view(v.id);
      if (now) await refresh(now);
    }
  }

  /** Approval prompts: in APPROVALS_CHANNEL, else a DM to every admin but the requester. Returns how many were posted. */
  async function toApprovers(v: RequestView, msg: { text: string; blocks: unknown[] }): Promise<number> {
    const targets = deps.approvalsChannel
      ? [deps.approvalsChannel]
      : (await deps.identity.usersWithRole("admin")).filter((a) => a.userId !== v.requesterId).map((a) => a.slackUserId);
    const posted = (await Promise.all(targets.map((t) => post(t, msg)))).filter((p) => p !== null);
    await remember(
      v,
      posted.map((p) => ({ ...p, kind: "approval" as const })),
    );
    return posted.length;
  }

  return {
    refresh,

    prompt: (v: RequestView) => toApprovers(v, approvalPromptBlocks(v)),

    /**
     * The once-only reminder of a request still pending, to where its prompt went; it carries
     * the same buttons and is remembered with the prompts, so a decision updates it too.
     */
    remind: (v: RequestView) => toApprovers(v, reminderBlocks(v)),

    /**
     * The requester's DM saying it was approved (kept, to become the receipt), then, in that DM,
     * an ephemeral message with `Reveal once`.
     */
    async grant(v: RequestView): Promise<void> {
      const p = await post(v.requesterSlackId, grantBlocks(v, deps.revealTtlSeconds));
      if (p) await remember(v, [{ ...p, kind: "grant" }]);
      const offer = revealOfferBlocks(v, deps.revealTtlSeconds);
      await client.chat
        .postEphemeral({ channel: p?.channel ?? v.requesterSlackId, user: v.requesterSlackId, text: offer.text, blocks: offer.blocks })
        .catch((e: unknown) => logger.warn({ err: e, requestId: v.id }, "could not offer Reveal once"));
    },

    /** Offers `Reveal once` again, ephemerally, through a click's own reply. */
    offer: (v: RequestView) => revealOfferBlocks(v, deps.revealTtlSeconds),

    /**
     * Requests ended because their credential changed or was deactivated: every message about
     * them (prompts, the requester's approval DM) is re-rendered to say why; a requester still
     * waiting for a decision has no such message, so they get a DM.
     */
    async ended(requestIds: readonly string[]): Promise<void> {
      for (const id of requestIds) {
        const v = await reveal.view(id);
        if (!v) continue;
        await refresh(v);
        if (!v.messages.some((m) => m.kind === "grant")) await post(v.requesterSlackId, { text: endedText(v), blocks: [] });
      }
    },

    async denied(v: RequestView): Promise<void> {
      await post(v.requesterSlackId, { text: deniedText(v), blocks: [] });
    },
  };
}
