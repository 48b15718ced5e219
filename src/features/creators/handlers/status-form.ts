import { invalid } from "../../../errors.js";
import type { ViewRoute } from "../../../slack/router.js";
import { cardAnswer } from "../creator-answers.js";
import { parseStatusForm, readFormValues } from "../creator-schemas.js";
import { formCreatorId } from "./form-id.js";
import { statusNotice } from "./status-notice.js";
import type { CreatorHandlerDeps } from "./types.js";

/** The status form (the card's `Status`, or closing from the command, which asks for a note). */
export const statusForm = (deps: CreatorHandlerDeps): ViewRoute => ({
  label: "Change status form",
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const id = formCreatorId(ctx);
    const parsed = parseStatusForm(readFormValues(ctx.view.state.values, ["journey_status", "notes"]));
    if (!parsed.ok) throw invalid("Some fields need fixing.", parsed.errors);
    const r = await deps.creators.changeStatus(id, parsed.data.journey_status, parsed.data.notes, ctx.actor);
    await ctx.ack();
    return cardAnswer(deps, ctx.actor, id, { notice: statusNotice(r), replace: true });
  },
});
