import { invalid } from "../../../errors.js";
import type { Answer, Msg, ViewCtx, ViewRoute } from "../../../slack/router.js";
import { cardAnswer } from "../creator-answers.js";
import { parseNewCreator, readFormValues, type CreatorForm } from "../creator-schemas.js";
import { createdNotice, lateDuplicate, savingLater } from "../new-creator-answers.js";
import type { NewCreatorIntake } from "../new-creator-intake.js";
import type { ClaimedJob, HeldJobs } from "../../../jobs/job-types.js";
import type { CreatorHandlerDeps } from "./types.js";

type Deps = CreatorHandlerDeps & { intake: NewCreatorIntake; held: Pick<HeldJobs, "keep" | "inTurn" | "complete" | "retryLater"> };

/**
 * The New creator form. Its ack waits only for what can put an inline error on the form (the
 * field rules, and a duplicate email, checked by the statement that stores the submission) and
 * for the submission to be stored: one round trip. A form that closed is a creator that will
 * exist, made here right after the ack or, if this process dies first, by another replica
 * (new-creator-intake.ts). Two people adding one email at the same moment both pass the check;
 * the create's own check refuses the second, who is told where the form answers.
 */
export const newForm = (deps: Deps): ViewRoute => ({
  label: "New creator form",
  minRole: "staff",
  async handle(ctx) {
    const values = readFormValues(ctx.view.state.values);
    const parsed = parseNewCreator(values);
    if (!parsed.ok) throw invalid("Some fields need fixing.", parsed.errors);
    const data = parsed.data;
    const job = await deps.intake.receive(values, ctx.actor, String(ctx.view.id), data);
    await ctx.ack();
    return deps.held.keep(job, () => finishHere(deps, ctx, job, data));
  },
});

/** After the ack: create, answer, complete; any failure leaves the stored job to the queue. */
async function finishHere(deps: Deps, ctx: ViewCtx, job: ClaimedJob, data: CreatorForm): Promise<Answer> {
  const outcome = await deps.held
    .inTurn(() => deps.intake.finish(job, data, ctx.actor))
    .catch(async (e: unknown) => {
      ctx.logger.warn({ err: e, job: job.id }, "New creator: the create failed after the ack; the stored submission will be retried");
      await deps.held.retryLater(job, e).catch(() => undefined); // else its claim goes stale: taken over all the same
      return null;
    });
  if (outcome === null) return { reply: savingLater(data.brand_name), shown: "create failed after the ack; stored submission queued for a retry" };
  if (outcome.kind === "lost") return { shown: "another replica took the stored submission over; it answers" };
  const done = () => deps.held.complete(job).catch((e: unknown) => ctx.logger.warn({ err: e, job: job.id }, "could not complete a New creator job"));
  if (outcome.kind === "duplicate") {
    // Recorded and answered before the job is completed, like the card below (and as the job's
    // takeover does): if this process dies in between, the replica that takes the job over finds
    // the email taken and gives the same answer.
    const refusal = lateDuplicate(outcome.email);
    await ctx.record(`refused: ${refusal.message}`);
    await ctx.reply(refusal.userMessage);
    await done();
    return {};
  }
  // Answered before the job is completed: if this process dies in between, the replica that
  // takes the job over finds the creator made and sends the answer (never a second creator).
  const answer = await cardAnswer(deps, ctx.actor, outcome.id, { notice: createdNotice(outcome.brandName), replace: true, known: outcome.card });
  if (answer.reply) await ctx.reply(answer.reply as Msg);
  await done();
  return { shown: answer.shown, target: answer.target };
}
