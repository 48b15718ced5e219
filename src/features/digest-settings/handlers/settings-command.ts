import cron from "node-cron";
import { forbidden } from "../../../errors.js";
import { hasRole } from "../../../identity/roles.js";
import { openLoaded } from "../../../slack/modals.js";
import type { Answer, CommandCtx } from "../../../slack/router.js";
import { settingsModal } from "../settings-blocks.js";
import { canonicalTimeZone } from "../../../lib/dates.js";
import { cronTimeOfDay } from "../settings-fns.js";
import { SETTINGS_LABELS } from "../settings-ids.js";
import type { DigestSettings } from "../settings-types.js";
import type { SettingsHandlerDeps } from "./types.js";

/** `/wl digest settings` (manager): the settings modal, filled with what is saved or the defaults. */
export async function settingsAnswer(deps: SettingsHandlerDeps, ctx: CommandCtx): Promise<Answer> {
  const { actor } = ctx;
  if (!hasRole(actor.role, "manager") || actor.userId === null) {
    throw forbidden(`\`/wl digest settings\` needs the *manager* role; you are *${actor.role ?? "none"}*.`, `needs manager, has ${actor.role ?? "no role"}`);
  }
  const userId = actor.userId;
  await openLoaded(ctx, SETTINGS_LABELS.title, async () => {
    const saved = await deps.settings.get(userId);
    return settingsModal(saved ?? (await defaults(deps, actor.slackUserId)), saved !== null);
  });
  return { shown: "opened the digest settings form" };
}

/** The channel digest's time, and the time zone on the manager's Slack profile (else DIGEST_TZ). */
async function defaults(deps: SettingsHandlerDeps, slackUserId: string | null): Promise<DigestSettings> {
  let tz: string | null = null;
  if (slackUserId) {
    try {
      const r = await deps.client.users.info({ user: slackUserId });
      tz = typeof r.user?.tz === "string" ? canonicalTimeZone(r.user.tz) : null;
    } catch (e) {
      deps.logger.warn({ err: e }, "users.info failed; the digest settings default to DIGEST_TZ");
    }
  }
  return { time: cronTimeOfDay(cron.parse(deps.digest.cron)), tz: tz ?? deps.digest.tz, scope: "all", enabled: true };
}
