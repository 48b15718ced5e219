import type { FeatureDeps, Schedule } from "../types.js";
import { pruneSlackEvents } from "./slack-event-prune.js";

// Upkeep of the bot's own tables. No commands or buttons: only schedules.

export function schedules(deps: FeatureDeps): Schedule[] {
  return [
    {
      name: "slack-event-prune",
      cron: "*/10 * * * *",
      tz: "UTC",
      async run() {
        const deleted = await pruneSlackEvents(deps.db, deps.clock.now());
        if (deleted > 0) deps.logger.info({ deleted }, "pruned old Slack event ids");
      },
    },
  ];
}
