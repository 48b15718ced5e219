import { AppError, ErrorCode, invalid, isAppError } from "../../../errors.js";
import type { ViewRoute } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import { LABELS, SLASH_COMMAND } from "../../../slack/ids.js";
import { cardAnswer } from "../creator-answers.js";
import { clean, parseNewCreator, readFormValues } from "../creator-schemas.js";
import type { CreatorHandlerDeps } from "./types.js";

/**
 * The New creator form. Its ack waits only for what can put an inline error on the form: the
 * field rules (pure) and a bounded duplicate-email read. The create (a transaction with its
 * health and chained audit row) runs after the ack, still inside the tracked request, so a stop
 * finishes it. Two people adding one email at the same moment both pass the read; the create's
 * own check inside its transaction refuses the second, who is then told where the form answers.
 */
export const newForm = (deps: CreatorHandlerDeps): ViewRoute => ({
  label: "New creator form",
  minRole: "staff",
  async handle(ctx) {
    const values = readFormValues(ctx.view.state.values);
    // The duplicate read goes out first, so its round trip overlaps the field rules; the
    // field errors still win (the read's answer is then dropped).
    const typed = clean(values.creator_email);
    const early = typed ? deps.creators.assertEmailFree(typed) : null;
    early?.catch(() => undefined);
    const parsed = parseNewCreator(values);
    if (!parsed.ok) throw invalid("Some fields need fixing.", parsed.errors);
    await (parsed.data.creator_email === typed && early ? early : deps.creators.assertEmailFree(parsed.data.creator_email));
    await ctx.ack();
    const created = await deps.creators.create(parsed.data, ctx.actor).catch((e: unknown) => {
      if (isAppError(e) && e.code === ErrorCode.Conflict) throw lateDuplicate(parsed.data.creator_email, e);
      throw e;
    });
    return cardAnswer(deps, ctx.actor, created.id, {
      notice: `Created *${esc(created.brandName)}*. Add phone, socials and the rest with *${LABELS.moreDetails}*.`,
      replace: true,
    });
  },
});

/** The form has closed by now, so the answer says which email and that nothing was saved. */
const lateDuplicate = (email: string, cause: AppError) =>
  new AppError(ErrorCode.Conflict, {
    message: "creator_email already in use (added while the form was being sent)",
    userMessage: `Nothing was saved: a creator with the email *${esc(email)}* was added just before yours. Find it with \`${SLASH_COMMAND} find ${esc(email)}\`.`,
    cause,
  });
