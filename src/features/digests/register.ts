import type { CommandCtx, Router } from "../../slack/router.js";
import { ACTIONS } from "../../slack/ids.js";
import { todayOf, type FeatureDeps, type Schedule } from "../types.js";
import type { Services } from "../services.js";
import type { JobHandler } from "../../jobs/job-types.js";
import { catchUpMissedDigest, enqueueDigestPlan, postDigestNow } from "./digest-run.js";
import { digestJobs } from "./digest-jobs.js";
import { digestCommand } from "./handlers/digest-command.js";
import { digestContactedButton } from "./handlers/digest-act-button.js";
import { digestSnoozeButton } from "./handlers/digest-snooze-button.js";
import { digestSeeAllButton } from "./handlers/digest-see-all-button.js";
import { settingsAnswer } from "../digest-settings/handlers/settings-command.js";

/** Digests: the command and the digest's buttons. */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const d = {
    digests: s.digests,
    today: () => todayOf(deps),
    now: () => deps.clock.now(),
    channel: deps.config.digest.channel,
    client: deps.client,
    logger: deps.logger,
    postNow: (actor: Parameters<typeof postDigestNow>[1], today: string) => postDigestNow(deps, actor, today),
    settings: (ctx: CommandCtx) => settingsAnswer({ settings: s.digestSettings, client: ctx.client, logger: deps.logger, digest: deps.config.digest }, ctx),
  };
  router
    .command(digestCommand(d))
    .action(ACTIONS.digestSnooze, digestSnoozeButton(d))
    .action(ACTIONS.digestContacted, digestContactedButton(d))
    .action(ACTIONS.digestSeeAll, digestSeeAllButton(d))
    .action(ACTIONS.digestPagePrev, digestSeeAllButton(d))
    .action(ACTIONS.digestPageNext, digestSeeAllButton(d));
}

export function schedules(deps: FeatureDeps): Schedule[] {
  return [
    {
      name: "digest",
      cron: deps.config.digest.cron,
      tz: deps.config.digest.tz,
      run: async (firedAt) => {
        await enqueueDigestPlan(deps, firedAt);
      },
    },
  ];
}

export function jobs(deps: FeatureDeps): JobHandler[] {
  return digestJobs(deps);
}

/** A digest missed while every replica was down goes out when one comes back the same day. */
export async function onStart(deps: FeatureDeps): Promise<void> {
  // Only an enqueue: the work itself is the queue's, so start-up never waits on Slack.
  try {
    const r = await catchUpMissedDigest(deps);
    if (r.ran) deps.logger.info({ reason: r.reason }, "digest catch-up queued");
  } catch (e) {
    deps.logger.error({ err: e }, "digest catch-up failed");
  }
}
