import type { Router } from "../../slack/router.js";
import type { JobHandler } from "../../jobs/job-types.js";
import type { FeatureDeps, Schedule } from "../types.js";
import type { Services } from "../services.js";
import { DIGEST_SETTINGS_VIEW } from "./settings-ids.js";
import { settingsForm } from "./handlers/settings-form.js";
import { enqueueDuePersonalDigests, PERSONAL_DIGEST_JOB, sendPersonalDigest } from "./personal-digest.js";

/** Personal digests: the settings form (the command is `/wl digest settings`, routed by digests). */
export function register(router: Router, _deps: FeatureDeps, s: Services): void {
  router.view(DIGEST_SETTINGS_VIEW, settingsForm({ settings: s.digestSettings }));
}

/**
 * The per-minute clock. It runs on every replica rather than through a once-per-slot job: its
 * only work is the conditional enqueue, which already lets one replica win per manager and day.
 */
export function schedules(deps: FeatureDeps, s: Services): Schedule[] {
  return [
    {
      name: "personal-digests",
      cron: "* * * * *",
      tz: "UTC",
      everyReplica: true,
      run: async () => {
        const n = await enqueueDuePersonalDigests(deps, s.digestSettings);
        if (n) deps.logger.info({ queued: n }, "personal digests queued");
      },
    },
  ];
}

export function jobs(deps: FeatureDeps, s: Services): JobHandler[] {
  const d = {
    db: deps.db,
    clock: deps.clock,
    client: deps.client,
    identity: deps.identity,
    logger: deps.logger,
    digests: s.digests,
    settings: s.digestSettings,
    follows: s.follows,
  };
  return [
    {
      kind: PERSONAL_DIGEST_JOB,
      concurrency: 2,
      backoff: { baseMs: 30_000, factor: 2, maxMs: 10 * 60_000 },
      run: async (job, ctx) => void (await sendPersonalDigest(d, job, ctx)),
    },
  ];
}
