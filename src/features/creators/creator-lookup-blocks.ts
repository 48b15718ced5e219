import type { KnownBlock } from "@slack/types";
import { ACTIONS, LABELS } from "../../slack/ids.js";
import { esc, plain } from "../../slack/mrkdwn.js";
import type { CreatorRef } from "./creator-lookup.js";
import { creatorPickerActions } from "../picker/picker-blocks.js";

/** "Which one?" with an Open button per candidate (the contract's ambiguity answer). */
export function candidatesBlocks(ref: string, candidates: readonly CreatorRef[]): { text: string; blocks: KnownBlock[] } {
  const text = `Several creators match “${esc(plain(ref, 100))}”. Which one?`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      ...candidates.map(
        (c): KnownBlock => ({
          type: "section",
          block_id: `cand_${c.id}`,
          text: { type: "mrkdwn", text: `*${esc(c.brandName)}* — ${esc(c.creatorName)} (${esc(c.creatorEmail)})${c.isActive ? "" : " _archived_"}` },
          accessory: { type: "button", action_id: ACTIONS.creatorOpen, text: { type: "plain_text", text: LABELS.open }, value: c.id },
        }),
      ),
      { type: "context", elements: [{ type: "mrkdwn", text: "Or search:" }] },
      creatorPickerActions(),
    ],
  };
}

export function noMatchText(ref: string): string {
  return `No creator matches “${esc(plain(ref, 100))}”. Try \`/wl find <text>\`.`;
}

/** No match, with the search-as-you-type picker to find the creator meant. */
export function noMatchBlocks(ref: string): { text: string; blocks: KnownBlock[] } {
  const text = noMatchText(ref);
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }, creatorPickerActions()] };
}
