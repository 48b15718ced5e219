import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../logger.js";
import type { Clock } from "../types.js";
import { progressDue, progressSummary } from "./deliverable-progress-fns.js";
import { progressMessage, type ProgressState } from "./deliverable-progress-blocks.js";

// Shows a deliverable's progress in ONE message the bot posts in the requester's DM and then
// rewrites with chat.update while Claude streams.
//
// Why a DM message and not the "Working on it" ephemeral answer: an ephemeral message cannot be
// chat.update'd, and its response_url allows 5 posts in 30 minutes, which updates every 3 s
// would spend in 15 s; the response_url is also known only to the replica that took the
// request, while generation runs on whichever replica claims the job. A message the bot posted
// has a channel and ts that can be stored in the job's row, so a replica taking the job over
// keeps updating the same message instead of posting a second one.

/** Where the progress message is: kept in the generation job's row (its checkpoint). */
export type ProgressRef = { channel: string; ts: string };

export type ProgressStore = {
  /** The message an earlier attempt posted (this job was handed back or taken over), if any. */
  stored: ProgressRef | null;
  /** Records the message in the job's row; false when the job's claim was lost. */
  save(ref: ProgressRef): Promise<boolean>;
};

export type ProgressReporter = {
  /** Posts the message (or rewrites the stored one): Claude is starting. */
  start(): Promise<void>;
  /** A streamed piece arrived: rewrites the message when the throttle allows. Never throws. */
  onText(textSoFar: string): void;
  /** The last word, whatever the throttle says: done, or failed with the reason. */
  finish(state: Extract<ProgressState, { kind: "done" | "failed" }>): Promise<void>;
};

export function parseProgressRef(v: unknown): ProgressRef | null {
  const o = v as { channel?: unknown; ts?: unknown } | null;
  return o && typeof o.channel === "string" && typeof o.ts === "string" && /^[A-Z0-9]{1,40}$/.test(o.channel) && /^\d{1,12}\.\d{1,8}$/.test(o.ts)
    ? { channel: o.channel, ts: o.ts }
    : null;
}

export function createProgressReporter(deps: {
  slack: WebClient;
  clock: Clock;
  logger: Logger;
  about: { label: string; brandName: string };
  requester: string;
  store: ProgressStore;
}): ProgressReporter {
  const { slack, clock, logger: log, about } = deps;
  let ref: ProgressRef | null = deps.store.stored;
  let lastAt: Date | null = null;
  // One write at a time, in order: an update never overtakes the final word.
  let chain: Promise<void> = Promise.resolve();
  let busy = false;

  const write = (state: ProgressState): Promise<void> => {
    busy = true;
    lastAt = clock.now();
    const msg = progressMessage(about, state);
    chain = chain
      .then(async () => {
        if (ref) {
          await slack.chat.update({ channel: ref.channel, ts: ref.ts, text: msg.text, blocks: msg.blocks ?? [] });
          return;
        }
        const posted = await slack.chat.postMessage({ channel: deps.requester, text: msg.text, blocks: msg.blocks ?? [] });
        if (posted.channel && posted.ts) {
          ref = { channel: posted.channel, ts: posted.ts };
          await deps.store.save(ref);
        }
      })
      // Progress is a courtesy: a failed update must not fail the document.
      .catch((e: unknown) => log.warn({ err: e }, "could not update the deliverable's progress message"))
      .finally(() => {
        busy = false;
      });
    return chain;
  };

  return {
    start: () => write(ref ? { kind: "restarted" } : { kind: "starting" }),
    onText(textSoFar) {
      // While a write is in flight the next piece tries again; no queue of stale updates.
      if (busy || !progressDue(clock.now(), lastAt)) return;
      void write({ kind: "writing", summary: progressSummary(textSoFar) });
    },
    finish: (state) => write(state),
  };
}
