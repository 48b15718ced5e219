import type { WebClient } from "@slack/web-api";
import { audited } from "../../audit/audit-service.js";
import type { Db } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import type { IsoDate } from "../../lib/dates.js";
import type { Logger } from "../../logger.js";
import type { GenerateResult } from "./claude-client.js";
import { deliveryFallbackText, fileDeliveredMessage, resultMessage } from "./deliverable-blocks.js";
import { chooseDelivery, DELIVERABLE_TARGET, fileNameFor, fileUrlThatFits, labelOf, parseDeliverableType } from "./deliverable-fns.js";

// Getting a finished deliverable to its requester in Slack, after its COMPLETED row committed:
// a message when it fits one, else a file in their DM. The document is safe in the database
// whatever Slack does; a failed delivery only costs the Slack copy, and the requester is told.

export function createDelivery(deps: { db: Db; slack: WebClient; log: Logger; today: () => IsoDate }) {
  const { db, slack, log } = deps;

  /** A DM to the requester; one Slack refuses is logged, never thrown (the record already says what happened). */
  async function dm(slackUserId: string | null, msg: { text: string; blocks?: unknown[] }, what: string): Promise<void> {
    if (!slackUserId) {
      log.warn({ what }, "deliverable has no requester in Slack to tell");
      return;
    }
    await slack.chat
      .postMessage({ channel: slackUserId, text: msg.text, ...(msg.blocks ? { blocks: msg.blocks as never } : {}) })
      .catch((e: unknown) => log.warn({ err: e, what }, "could not DM the requester"));
  }

  /** A COMPLETED deliverable to its requester; a file's permalink is stored with its audit row. */
  async function deliver(
    row: { id: string; deliverableType: string; brandName: string },
    result: GenerateResult,
    actor: Actor,
    requester: string | null,
  ): Promise<void> {
    const about = { id: row.id, label: labelOf(row.deliverableType), brandName: row.brandName, model: result.model };
    if (!requester) {
      log.warn({ id: row.id }, "completed deliverable has no requester in Slack; kept in the database only");
      return;
    }
    try {
      if (chooseDelivery(result.text) === "message") {
        await slack.chat.postMessage({ channel: requester, ...resultMessage({ ...about, content: result.text }) });
        return;
      }
      const opened = await slack.conversations.open({ users: requester });
      const channel = opened.channel?.id;
      if (!channel) throw new Error("conversations.open returned no channel");
      const type = parseDeliverableType(row.deliverableType) ?? "report";
      const uploaded = await slack.filesUploadV2({
        channel_id: channel,
        content: result.text,
        filename: fileNameFor(row.brandName, type, deps.today()),
        title: `${about.label}: ${row.brandName}`.slice(0, 250),
      });
      const permalink = uploaded.files?.[0]?.files?.[0]?.permalink;
      const fileUrl = fileUrlThatFits(permalink);
      if (permalink && !fileUrl) log.warn({ id: row.id, length: permalink.length }, "file permalink does not fit file_url; not stored");
      if (fileUrl) {
        await audited(db, actor, async (tx) => {
          await tx.aiDeliverable.update({ where: { id: row.id }, data: { fileUrl } });
          return {
            result: null,
            audit: {
              action: "UPDATE",
              targetModel: DELIVERABLE_TARGET,
              targetId: row.id,
              targetDisplay: `${about.label}: ${row.brandName}`,
              changes: { file_url: { from: null, to: fileUrl } },
              notes: "delivered as a file",
            },
          };
        });
      }
      await slack.chat.postMessage({ channel, ...fileDeliveredMessage({ ...about, fileUrl }) });
    } catch (e) {
      // The document is safe in the database; only the Slack copy is missing.
      log.error({ err: e, id: row.id }, "could not deliver the deliverable to Slack");
      await dm(requester, { text: deliveryFallbackText(about) }, "delivery fallback");
    }
  }

  return { dm, deliver };
}
