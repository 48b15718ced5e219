import type { Actor } from "../../identity/actor.js";
import type { JobHandler } from "../../jobs/job-types.js";
import { EXPORT_JOB, type AuditExportService } from "./export-service.js";
import type { ExportRange } from "./export-fns.js";

// The export as a job: stored by the command, run by whichever replica claims it, taken over
// if that replica dies. Once the file is delivered the job checkpoints its id, so a retry
// after that point writes the audit row and does not upload a second copy.

export function auditExportJob(service: Pick<AuditExportService, "run">): JobHandler {
  return {
    kind: EXPORT_JOB,
    concurrency: 1,
    async run(job, ctx) {
      const uploaded = (job.progress as { fileId?: string } | null)?.fileId ?? null;
      await service.run(job.payload.actor as Actor, job.payload.range as ExportRange, {
        signal: ctx.signal,
        uploaded,
        onUploaded: (fileId) => ctx.checkpoint({ fileId }),
      });
    },
  };
}
