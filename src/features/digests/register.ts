import type { Router } from "../../slack/router.js";
import { ACTIONS } from "../../slack/ids.js";
import { todayOf, type FeatureDeps, type Schedule } from "../types.js";
import type { Services } from "../services.js";
import { catchUpMissedDigest, postDigestNow, runScheduledDigest } from "./digest-run.js";
import { digestCommand } from "./handlers/digest-command.js";
import { digestActButton } from "./handlers/digest-act-button.js";

/** Digests: the command and the digest's buttons. */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const d = {
    digests: s.digests,
    today: () => todayOf(deps),
    channel: deps.config.digest.channel,
    client: deps.client,
    logger: deps.logger,
    postNow: (actor: Parameters<typeof postDigestNow>[1], today: string) => postDigestNow(deps, actor, today),
  };
  router
    .command(digestCommand(d))
    .action(ACTIONS.digestSnooze, digestActButton(d, "snooze"))
    .action(ACTIONS.digestContacted, digestActButton(d, "contacted"));
}

export function schedules(deps: FeatureDeps): Schedule[] {
  return [
    {
      name: "digest",
      cron: deps.config.digest.cron,
      tz: deps.config.digest.tz,
      run: async (firedAt) => {
        await runScheduledDigest(deps, firedAt);
      },
    },
  ];
}

/** A digest missed while every replica was down goes out when one comes back the same day. */
export async function onStart(deps: FeatureDeps): Promise<void> {
  // In the background: start-up must not wait on Slack or on another replica's claim.
  void catchUpMissedDigest(deps)
    .then((r) => {
      if (r.ran) deps.logger.info({ reason: r.reason, delivered: r.report?.delivered.length, failed: r.report?.failed }, "digest catch-up ran");
    })
    .catch((e: unknown) => deps.logger.error({ err: e }, "digest catch-up failed"));
}
