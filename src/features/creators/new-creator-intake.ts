import { randomUUID } from "node:crypto";
import { AppError, ErrorCode, isAppError } from "../../errors.js";
import type { Actor } from "../../identity/actor.js";
import { fenceJob } from "../../jobs/jobs-service.js";
import { PermanentJobError, type ClaimedJob, type HeldJobs } from "../../jobs/job-types.js";
import { isUuid } from "../../slack/ids.js";
import { emailTaken, type CardData, type CreatorService } from "./creator-service.js";
import { emailInUse } from "./creator-reads.js";
import { parseNewCreator, type CreatorForm, type RawForm } from "./creator-schemas.js";

// A New creator submission is stored (a held job) before its form is acked: a form that closed
// is a creator that will exist. This process creates it at once; if it dies first, whichever
// replica takes the job over does. The create is fenced by the job's lease inside its own
// transaction, so of the two, exactly one commits.

export const NEW_CREATOR_JOB = "creator.new";

/** What any replica needs to finish the submission and answer where the form was opened. */
export type NewCreatorPayload = { form: RawForm; actor: Actor; creatorId: string; viewId: string; brandName: string };

export type NewCreatorOutcome =
  /** `card`: the new creator's card when this call created it (a later holder reads it instead). */
  | { kind: "created"; id: string; brandName: string; card?: CardData }
  /** The email was taken between the form's check and the create: nothing saved. */
  | { kind: "duplicate"; email: string }
  /** Another replica holds the job now (this one was presumed dead): it answers, not us. */
  | { kind: "lost" };

/** The job's progress once the creator is committed: a later holder answers, never creates again. */
const CREATED = { created: true } as const;
const isCreated = (progress: unknown) => typeof progress === "object" && progress !== null && (progress as { created?: unknown }).created === true;

class LeaseLost extends Error {
  override name = "LeaseLost";
}

/** A stored payload, checked before it is acted on (it is ours, but a row can be edited). */
export function payloadOf(job: Pick<ClaimedJob, "payload">): NewCreatorPayload {
  const p = job.payload as Partial<NewCreatorPayload>;
  const actor = p.actor as Partial<Actor> | undefined;
  if (!p.form || typeof p.form !== "object" || !actor || typeof actor !== "object" || !isUuid(p.creatorId) || typeof p.viewId !== "string") {
    throw new PermanentJobError("malformed New creator payload");
  }
  return { form: p.form, actor: actor as Actor, creatorId: p.creatorId, viewId: p.viewId, brandName: String(p.brandName ?? "") };
}

/** The stored form, through the same field rules as the submission (a worker re-checks it). */
export function formOf(payload: NewCreatorPayload): CreatorForm {
  const parsed = parseNewCreator(payload.form);
  if (!parsed.ok) throw new PermanentJobError(`stored New creator form no longer passes its rules: ${Object.keys(parsed.errors).join(", ")}`);
  return parsed.data;
}

export type NewCreatorIntake = ReturnType<typeof createNewCreatorIntake>;

export function createNewCreatorIntake(deps: { creators: Pick<CreatorService, "create" | "cardOfCreated">; held: Pick<HeldJobs, "hold"> }) {
  return {
    /**
     * Stores the submission before the ack, unless its email is already a creator's (checked by
     * the same statement: the inline error the form contract asks for, without a round trip of
     * its own; the create's check inside its transaction is the one that counts). Fails closed:
     * if it cannot be stored, the form stays open saying so, and nothing will be created behind
     * the person's back.
     */
    async receive(form: RawForm, actor: Actor, viewId: string, data: Pick<CreatorForm, "brand_name" | "creator_email">): Promise<ClaimedJob> {
      const payload: NewCreatorPayload = { form, actor, creatorId: randomUUID(), viewId, brandName: data.brand_name };
      let job: ClaimedJob | null;
      try {
        job = await deps.held.hold({ kind: NEW_CREATOR_JOB, payload, maxAttempts: 3 }, emailInUse(data.creator_email));
      } catch (cause) {
        throw new AppError(ErrorCode.Upstream, {
          message: "could not store the New creator submission before its ack",
          userMessage: "I couldn't save this just now, so nothing was saved. Please press Create again in a moment.",
          cause,
        });
      }
      if (!job) throw emailTaken();
      return job;
    },

    /** Creates the creator once, whichever process holds the job; a repeat after a commit only answers. */
    async finish(job: ClaimedJob, data: CreatorForm, actor: Actor): Promise<NewCreatorOutcome> {
      const { creatorId, brandName } = payloadOf(job);
      if (isCreated(job.progress)) return { kind: "created", id: creatorId, brandName };
      try {
        const row = await deps.creators.create(data, actor, {
          id: creatorId,
          first: async (tx) => {
            if (!(await fenceJob(tx, job, CREATED))) throw new LeaseLost();
          },
        });
        return { kind: "created", id: row.id, brandName: row.brandName, card: deps.creators.cardOfCreated(row) };
      } catch (e) {
        if (e instanceof LeaseLost) return { kind: "lost" };
        if (isAppError(e) && e.code === ErrorCode.Conflict) return { kind: "duplicate", email: data.creator_email };
        throw e;
      }
    },
  };
}
