import type { Router } from "../../slack/router.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import type { FeatureDeps, Schedule } from "../types.js";
import type { Services } from "../services.js";
import type { JobHandler } from "../../jobs/job-types.js";
import { deliverableJob } from "./deliverable-job.js";
import { deliverableCommand } from "./handlers/deliverable-command.js";
import { deliverableButton } from "./handlers/deliverable-button.js";
import { pickForm } from "./handlers/pick-form.js";
import { regenerateButton } from "./handlers/regenerate-button.js";

/** AI deliverables: the command, the card's button, the type form and Regenerate. */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const d = { deliverables: s.deliverables, creators: s.creators, logger: deps.logger };
  router
    .command(deliverableCommand(d))
    .action(ACTIONS.creatorDeliverable, deliverableButton(d))
    .view(VIEWS.deliverablePick, pickForm(d))
    .action(ACTIONS.deliverableRegenerate, regenerateButton(d));
}

/** Records nothing will finish (no job drives them) are closed on a schedule too, not only at start-up. */
export function schedules(_deps: FeatureDeps, s: Services): Schedule[] {
  return [
    {
      name: "deliverables-stale-sweep",
      cron: "*/5 * * * *",
      tz: "UTC",
      run: async () => {
        await s.deliverables.recoverStale();
      },
    },
  ];
}

/** Generation, by whichever replica claims a record's job (enqueued with the record by `request`). */
export function jobs(_deps: FeatureDeps, s: Services): JobHandler[] {
  return [deliverableJob(s.deliverables)];
}

/** At start-up: records with no job to drive them (left by an in-process version) are closed. */
export async function onStart(_deps: FeatureDeps, s: Services): Promise<void> {
  await s.deliverables.recoverStale();
}
