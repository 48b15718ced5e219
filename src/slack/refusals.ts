import type { Db } from "../db.js";
import type { Actor } from "../identity/actor.js";
import type { Role } from "../identity/roles.js";
import { writeAudit } from "../audit/audit-service.js";
import { nameToUuid } from "../audit/audit-fns.js";

export type RefusalRecorder = { record(actor: Actor, label: string, needed: Role): Promise<void> };

/**
 * Every refused request leaves a trace. A user hammering a forbidden button writes at most
 * one row per (user, label) per window, so the audit log cannot be flooded through us.
 */
export function createRefusalRecorder(db: Db, opts: { windowMs?: number; now?: () => number } = {}): RefusalRecorder {
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const recent = new Map<string, { at: number; suppressed: number }>();
  return {
    async record(actor, label, needed) {
      const key = `${actor.slackUserId}|${label}`;
      const t = now();
      const prior = recent.get(key);
      if (prior && t - prior.at < windowMs) {
        prior.suppressed += 1;
        return;
      }
      if (recent.size > 10_000) recent.clear();
      recent.set(key, { at: t, suppressed: 0 });
      await writeAudit(db, actor, {
        action: "VIEW",
        targetModel: "SlackRequest",
        targetId: nameToUuid(`slack-user:${actor.slackUserId ?? "unknown"}`),
        targetDisplay: label,
        notes: `refused: needs ${needed}, has ${actor.role ?? "no role"}${prior?.suppressed ? ` (${prior.suppressed} similar refusals suppressed)` : ""}`,
      });
    },
  };
}
