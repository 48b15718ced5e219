import { invalid } from "../../../errors.js";
import type { ViewRoute } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import { LABELS } from "../../../slack/ids.js";
import { cardAnswer } from "../creator-answers.js";
import { parseNewCreator, readFormValues } from "../creator-schemas.js";
import type { CreatorHandlerDeps } from "./types.js";

/** The New creator form: inline errors, or the creator (CREATE audited with it) and its card. */
export const newForm = (deps: CreatorHandlerDeps): ViewRoute => ({
  label: "New creator form",
  minRole: "staff",
  async handle(ctx) {
    const parsed = parseNewCreator(readFormValues(ctx.view.state.values));
    if (!parsed.ok) throw invalid("Some fields need fixing.", parsed.errors);
    const created = await deps.creators.create(parsed.data, ctx.actor);
    await ctx.ack();
    return cardAnswer(deps, ctx.actor, created.id, {
      notice: `Created *${esc(created.brandName)}*. Add phone, socials and the rest with *${LABELS.moreDetails}*.`,
      replace: true,
    });
  },
});
