import { invalid } from "../../../errors.js";
import { clip } from "../../../audit/audit-fns.js";
import type { CommandRoute } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import { cardAnswer, creatorTarget, resolveCreator } from "../creator-answers.js";
import { JOURNEY_STATUSES, parseJourneyStatus } from "../creator-fns.js";
import { splitLastWord } from "../creator-lookup.js";
import { openForm } from "../../../slack/modals.js";
import { statusModal } from "../creator-modals.js";
import { statusNotice } from "./status-notice.js";
import type { CreatorHandlerDeps } from "./types.js";

const USAGE = "status <creator> <JOURNEY_STATUS>";
const STATUS_LIST = JOURNEY_STATUSES.join(", ");

/** `/wl status <creator> <STATUS>`: changes it at once; CLOSED asks for a note first. */
export const statusCommand = (deps: CreatorHandlerDeps): CommandRoute => ({
  name: "status",
  usage: USAGE,
  description: "change a creator's journey status",
  minRole: "staff",
  async handle(ctx) {
    const split = splitLastWord(ctx.args);
    if (!split) throw invalid(`Usage: \`/wl ${USAGE}\`. Statuses: ${STATUS_LIST}.`);
    const to = parseJourneyStatus(split.last);
    if (!to) throw invalid(`\`${esc(clip(split.last, 40))}\` is not a journey status. Use one of: ${STATUS_LIST}.`);
    const r = await resolveCreator(deps, split.head, USAGE);
    if ("answer" in r) return r.answer;
    const c = r.creator;
    if (to === "CLOSED" && c.journeyStatus !== "CLOSED") {
      // Closing needs a why on record: ask in a modal rather than close without one.
      await openForm(ctx, statusModal(c, "CLOSED"));
      return { shown: "asked for a note before closing", target: creatorTarget(c) };
    }
    const change = await deps.creators.changeStatus(c.id, to, null, ctx.actor);
    return cardAnswer(deps, ctx.actor, c.id, { notice: statusNotice(change) });
  },
});
