import { AppError, ErrorCode, invalid } from "../../../errors.js";
import type { CommandRoute } from "../../../slack/router.js";
import { resolveCreator } from "../../creators/creator-answers.js";
import { NOT_CONFIGURED, usageText } from "../deliverable-blocks.js";
import { DELIVERABLE_USAGE, parseDeliverableArgs } from "../deliverable-fns.js";
import { startAnswer } from "./start-answer.js";
import type { DeliverableHandlerDeps } from "./types.js";

/** `/wl deliverable <creator> <type>`: records the request, starts Claude, answers at once. */
export const deliverableCommand = (deps: DeliverableHandlerDeps): CommandRoute => ({
  name: "deliverable",
  usage: DELIVERABLE_USAGE,
  description: "an AI-written brand report, guidelines, launch plan or content calendar, sent to you by DM",
  minRole: "staff",
  async handle(ctx) {
    if (!deps.deliverables.configured) throw new AppError(ErrorCode.NotConfigured, { userMessage: NOT_CONFIGURED });
    const parsed = parseDeliverableArgs(ctx.args);
    if ("error" in parsed) throw invalid(usageText(parsed.got));
    const r = await resolveCreator(deps, parsed.creatorRef, DELIVERABLE_USAGE);
    if ("answer" in r) return r.answer;
    const req = await deps.deliverables.request({ creatorId: r.creator.id, type: parsed.type }, ctx.actor);
    return startAnswer(req);
  },
});
