import type { Router } from "../../slack/router.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import type { FeatureDeps, Schedule } from "../types.js";
import type { Services } from "../services.js";
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

/** Records a crash or deploy left mid-way are closed on a schedule too, not only at start-up. */
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

/** At start-up: nothing is generating in this process yet, so stale records are orphans. */
export async function onStart(_deps: FeatureDeps, s: Services): Promise<void> {
  await s.deliverables.recoverStale();
}
