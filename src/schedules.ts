import cron from "node-cron";
import type { Logger } from "./logger.js";
import type { Schedule } from "./features/types.js";

/**
 * Starts each feature's cron job. Every replica fires every job; the jobs themselves claim
 * their run in Postgres (wl_job_run), so a run happens once however many replicas fire.
 */
export function startSchedules(schedules: readonly Schedule[], logger: Logger): { stop(): void } {
  const tasks = schedules.map((s) => {
    if (!cron.validate(s.cron)) throw new Error(`invalid cron expression for ${s.name}: ${s.cron}`);
    return cron.schedule(
      s.cron,
      async () => {
        const firedAt = new Date();
        try {
          await s.run(firedAt);
        } catch (e) {
          logger.error({ err: e, job: s.name }, "scheduled job failed");
        }
      },
      { timezone: s.tz, name: s.name, noOverlap: true },
    );
  });
  if (tasks.length) logger.info({ jobs: schedules.map((s) => `${s.name} @ ${s.cron} ${s.tz}`) }, "schedules started");
  return {
    stop() {
      for (const t of tasks) void t.stop();
    },
  };
}
