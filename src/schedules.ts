import cron from "node-cron";
import type { Db } from "./db.js";
import type { Logger } from "./logger.js";
import type { Schedule } from "./features/types.js";
import { fireSlotKey } from "./jobs/jobs-fns.js";
import type { JobHandler, JobQueue } from "./jobs/job-types.js";

/** The job a cron firing becomes. */
export const SCHEDULE_JOB = "schedule";

/**
 * node-cron is the clock; the queue does the work. Every replica fires every schedule, and
 * each firing enqueues one job keyed by (schedule, slot): the first enqueue wins, the others
 * are no-ops, so a slot runs once across replicas, and a replica that dies mid-run leaves
 * the job to be taken over rather than lost.
 */
export function startSchedules(schedules: readonly Schedule[], deps: { db: Db; jobs: JobQueue; logger: Logger }): { stop(): void } {
  const tasks = schedules.map((s) => {
    if (!cron.validate(s.cron)) throw new Error(`invalid cron expression for ${s.name}: ${s.cron}`);
    return cron.schedule(
      s.cron,
      async (ctx) => {
        try {
          if (s.everyReplica) return void (await s.run(ctx.date));
          await deps.jobs.enqueue(deps.db, {
            kind: SCHEDULE_JOB,
            payload: { name: s.name, scheduledAt: ctx.date.toISOString() },
            dedupeKey: fireSlotKey(s.name, ctx.date),
            maxAttempts: 3,
          });
        } catch (e) {
          deps.logger.error({ err: e, job: s.name }, "could not enqueue a scheduled job");
        }
      },
      { timezone: s.tz, name: s.name, noOverlap: true },
    );
  });
  if (tasks.length) deps.logger.info({ jobs: schedules.map((s) => `${s.name} @ ${s.cron} ${s.tz}`) }, "schedules started");
  return {
    stop() {
      for (const t of tasks) void t.stop();
    },
  };
}

/** Runs a fired schedule's work (on whichever replica claimed the firing). */
export function scheduleJobHandler(schedules: readonly Schedule[]): JobHandler {
  const byName = new Map(schedules.map((s) => [s.name, s]));
  return {
    kind: SCHEDULE_JOB,
    concurrency: 3,
    async run(job) {
      const s = byName.get(String(job.payload.name));
      // A schedule removed by a deploy: nothing to run.
      if (!s) return;
      await s.run(new Date(String(job.payload.scheduledAt)));
    },
  };
}
