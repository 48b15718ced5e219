import type { Answer } from "../../../slack/router.js";
import { workingOn } from "../deliverable-blocks.js";

/**
 * The record exists (PENDING, audited) and its generation job was enqueued in the same
 * transaction: whatever this answer's fate, a worker on some replica moves the record on.
 */
export function startAnswer(req: Parameters<typeof workingOn>[0]): Answer {
  return { reply: workingOn(req) };
}
