import type { FeatureDeps, Schedule } from "../types.js";
import { runNightlyHealth } from "./health-job.js";

/** The nightly recompute, for the passage of time (scores move as days pass with no edit). */
export function schedules(deps: FeatureDeps): Schedule[] {
  return [
    {
      name: "health-nightly",
      cron: "5 0 * * *",
      tz: deps.config.digest.tz,
      run: async (firedAt) => {
        await runNightlyHealth(deps, firedAt);
      },
    },
  ];
}
