import type { KnownBlock } from "@slack/types";
import { esc, LIMITS, truncate } from "../../slack/mrkdwn.js";
import type { ProgressSummary } from "./deliverable-progress-fns.js";
import type { Msg } from "./deliverable-blocks.js";
import { plural } from "../../lib/plural.js";

// The one DM message that shows a deliverable's progress, rewritten in place while Claude writes.
// Pure: data in, blocks out.

export type ProgressState =
  | { kind: "starting" }
  | { kind: "restarted" }
  | { kind: "writing"; summary: ProgressSummary }
  | { kind: "done"; summary: ProgressSummary }
  | { kind: "failed" };

function counts(s: ProgressSummary): string {
  return `${plural(s.chars, "character")}${s.sections > 0 ? `, ${plural(s.sections, "section")}` : ""}`;
}

export function progressMessage(a: { label: string; brandName: string }, state: ProgressState): Msg {
  const what = `*${esc(a.label)}* for *${esc(a.brandName)}*`;
  let text: string;
  switch (state.kind) {
    case "starting":
      text = `:hourglass_flowing_sand: Working on it: a ${what}. Claude is starting; this message shows how far it got.`;
      break;
    case "restarted":
      text = `:hourglass_flowing_sand: Working on it: a ${what}. Claude is starting again (the bot restarted while it wrote).`;
      break;
    case "writing":
      text = `:writing_hand: Claude is writing the ${what}: ${counts(state.summary)} so far.`;
      break;
    case "done":
      text = `:white_check_mark: Done: the ${what} (${counts(state.summary)}) is below.`;
      break;
    case "failed":
      // The reason and a Regenerate button follow in their own message (a new one notifies).
      text = `:warning: Stopped: the ${what} could not be finished; the reason is below.`;
      break;
  }
  const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } }];
  if (state.kind === "writing" && state.summary.preview.length > 0) {
    const preview = state.summary.preview.map((l) => `> ${esc(l)}`).join("\n");
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncate(preview, LIMITS.sectionText) }] });
  }
  return { text, blocks };
}
