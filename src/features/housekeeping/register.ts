import type { FeatureDeps, Schedule } from "../types.js";
import { pruneSlackEvents } from "./slack-event-prune.js";
import type { Services } from "../services.js";

// Upkeep of the bot's own tables. No commands or buttons: only schedules.

export function schedules(deps: FeatureDeps, s: Services): Schedule[] {
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
    {
      // Answer places hold Fernet-encrypted response_urls that stop working after 30 minutes.
      name: "answer-place-prune",
      cron: "*/10 * * * *",
      tz: "UTC",
      async run() {
        const deleted = await s.places.prune();
        if (deleted > 0) deps.logger.info({ deleted }, "pruned expired answer places");
      },
    },
  ];
}
