import type { Actor } from "../../../identity/actor.js";
import type { Answer } from "../../../slack/router.js";
import { workingOn } from "../deliverable-blocks.js";
import type { DeliverableHandlerDeps } from "./types.js";

/**
 * The record exists (PENDING, audited) before this runs; generation starts before the answer is
 * sent, so whatever the answer's fate, the record moves on.
 */
export function startAnswer(deps: Pick<DeliverableHandlerDeps, "deliverables">, req: Parameters<typeof workingOn>[0] & { id: string }, actor: Actor): Answer {
  deps.deliverables.start(req.id, actor);
  return { reply: workingOn(req) };
}
