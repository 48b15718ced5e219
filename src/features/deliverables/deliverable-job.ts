import type { Actor } from "../../identity/actor.js";
import type { JobHandler } from "../../jobs/job-types.js";
import { GENERATE_JOB, type DeliverableService } from "./deliverable-service.js";
import { parseProgressRef } from "./deliverable-progress.js";

// Generation as a job, enqueued with the record: any replica writes it, one at a time (the
// job's claim is the lock), a stopping replica hands it back at once (the record back to
// PENDING), and one that died is taken over within seconds (the record restarted from
// GENERATING). It is never left GENERATING.

export function deliverableJob(service: Pick<DeliverableService, "run" | "giveUp">): JobHandler {
  return {
    kind: GENERATE_JOB,
    // Each holds a Claude stream for minutes; the queue's other kinds have their own slots.
    concurrency: 3,
    async run(job, ctx) {
      const actor = job.payload.actor as Actor;
      // The progress message lives in the job's row: a replica taking the job over updates it.
      const progress = { stored: parseProgressRef(job.progress), save: (ref: unknown) => ctx.checkpoint(ref) };
      await service.run(String(job.payload.deliverableId), actor, actor.slackUserId, { signal: ctx.signal, resume: true, progress });
    },
    async onDead(job) {
      await service.giveUp(String(job.payload.deliverableId));
    },
  };
}
