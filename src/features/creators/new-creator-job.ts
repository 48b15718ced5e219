import type { WebClient } from "@slack/web-api";
import type { Actor } from "../../identity/actor.js";
import type { Logger } from "../../logger.js";
import { isAppError } from "../../errors.js";
import type { JobHandler } from "../../jobs/job-types.js";
import { formAnswer, type AnswerPlaces } from "../../slack/answer-in-place.js";
import { dmReply } from "../../slack/replies.js";
import type { Msg } from "../../slack/router.js";
import { cardAnswer } from "./creator-answers.js";
import type { CreatorHandlerDeps } from "./handlers/types.js";
import { createdNotice, gaveUp, lateDuplicate } from "./new-creator-answers.js";
import { formOf, NEW_CREATOR_JOB, payloadOf, type NewCreatorIntake, type NewCreatorPayload } from "./new-creator-intake.js";

type Deps = CreatorHandlerDeps & {
  intake: Pick<NewCreatorIntake, "finish">;
  places: Pick<AnswerPlaces, "find" | "forget">;
  client: WebClient;
  logger: Logger;
  refreshHome(actor: Actor, client: WebClient, notice: string): Promise<void>;
  /** Records the refusal of a late duplicate (the request's pipeline would have, had it lived). */
  refused(actor: Actor, why: string): Promise<void>;
};

/**
 * A stored New creator submission its own process did not finish (it died, or the first attempt
 * failed): created once by whichever replica holds the job, and answered where the form was
 * opened, as the form's own process would have answered.
 */
export function newCreatorJob(deps: Deps): JobHandler {
  const answerFor = (p: NewCreatorPayload) =>
    formAnswer(
      {
        places: deps.places,
        logger: deps.logger,
        dm: dmReply(deps.client, p.actor.slackUserId ?? ""),
        refreshHome: (notice) => deps.refreshHome(p.actor, deps.client, notice),
      },
      { viewId: p.viewId, slackUserId: p.actor.slackUserId ?? "" },
    ).reply;

  return {
    kind: NEW_CREATOR_JOB,
    async run(job) {
      const p = payloadOf(job);
      const outcome = await deps.intake.finish(job, formOf(p), p.actor);
      if (outcome.kind === "lost") return; // its holder now answers
      const reply = answerFor(p);
      if (outcome.kind === "duplicate") {
        const e = lateDuplicate(outcome.email);
        await deps.refused(p.actor, e.message);
        return reply(e.userMessage);
      }
      const notice = createdNotice(outcome.brandName);
      const card = await cardAnswer(deps, p.actor, outcome.id, { notice, replace: true, known: outcome.card }).catch((e: unknown) => {
        if (isAppError(e)) return null; // deleted since it was made: the notice alone
        throw e;
      });
      await reply((card?.reply as Msg | undefined) ?? notice);
    },
    async onDead(job) {
      const p = payloadOf(job);
      await answerFor(p)(gaveUp(p.brandName));
    },
  };
}
