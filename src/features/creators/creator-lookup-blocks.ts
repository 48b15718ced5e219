import type { KnownBlock } from "@slack/types";
import { ACTIONS, LABELS } from "../../slack/ids.js";
import { esc, plain } from "../../slack/mrkdwn.js";
import type { CreatorRef } from "./creator-lookup.js";

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
    ],
  };
}

export function noMatchText(ref: string): string {
  return `No creator matches “${esc(plain(ref, 100))}”. Try \`/wl find <text>\`.`;
}
