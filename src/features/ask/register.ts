import type { Router } from "../../slack/router.js";
import type { FeatureDeps, Schedule } from "../types.js";
import type { Services } from "../services.js";
import { askCommand } from "./handlers/ask-command.js";

/** Ask Claude about the book of business: one command (its Open buttons are the creators feature's). */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  router.command(askCommand({ ask: s.ask, logger: deps.logger }));
}

/** Questions whose process died mid-answer: any replica tells the asker, once. */
export function schedules(_deps: FeatureDeps, s: Services): Schedule[] {
  return [{ name: "ask-interrupted-sweep", cron: "*/2 * * * *", tz: "UTC", run: async () => void (await s.ask.sweepInterrupted()) }];
}

export async function onStart(_deps: FeatureDeps, s: Services): Promise<void> {
  await s.ask.sweepInterrupted();
}
