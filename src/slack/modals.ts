import type { ModalView } from "@slack/types";
import { VIEWS } from "./ids.js";
import { LIMITS, plain, truncate } from "./mrkdwn.js";

/** Opened at once with a trigger_id (it lives 3 s), then replaced with views.update. */
export function loadingModal(title: string): ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.loading,
    title: { type: "plain_text", text: plain(title, 24) },
    close: { type: "plain_text", text: "Close" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: ":hourglass_flowing_sand: Loading…" } }],
  };
}

/** What a loading modal becomes when there is nothing to edit (gone, refused). */
export function messageModal(title: string, text: string): ModalView {
  return {
    type: "modal",
    title: { type: "plain_text", text: plain(title, 24) },
    close: { type: "plain_text", text: "Close" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } }],
  };
}
