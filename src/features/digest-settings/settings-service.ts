import { randomUUID } from "node:crypto";
import type { Db, DbOrTx } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import { audited } from "../../audit/audit-service.js";
import { diffChanges, snapshot } from "../../audit/audit-fns.js";
import { forbidden } from "../../errors.js";
import { hasRole, roleSchema } from "../../identity/roles.js";
import type { Scope } from "./settings-ids.js";
import type { DigestSettings, Subscription } from "./settings-types.js";

export type DigestSettingsService = ReturnType<typeof createDigestSettingsService>;

type Row = { userId: number; time: string; tz: string; scope: string; enabled: boolean };

const settingsOf = (r: Row): DigestSettings => ({ time: r.time, tz: r.tz, scope: r.scope as Scope, enabled: r.enabled });

/** wl_digest_subscription: each manager's own digest schedule. */
export function createDigestSettingsService(deps: { db: Db }) {
  const { db } = deps;

  return {
    /** The saved settings, or null (the manager still gets the channel digest's DM). */
    async get(userId: number): Promise<DigestSettings | null> {
      const r = await db.digestSubscription.findUnique({ where: { userId } });
      return r ? settingsOf(r) : null;
    },

    /**
     * Saves the settings (CREATE or UPDATE, audited in the same transaction). The role is
     * re-checked inside it: a manager demoted while the modal was open saves nothing.
     */
    save(actor: Actor, s: DigestSettings): Promise<{ created: boolean; changed: boolean }> {
      return audited(db, actor, async (tx) => {
        const userId = await managerIdIn(tx, actor);
        const before = await tx.digestSubscription.findUnique({ where: { userId } });
        const data = { time: s.time, tz: s.tz, scope: s.scope, enabled: s.enabled, updatedAt: new Date() };
        const row = await tx.digestSubscription.upsert({ where: { userId }, create: { userId, id: randomUUID(), ...data }, update: data });
        const target = { targetModel: "DigestSubscription", targetId: row.id, targetDisplay: `digest settings of ${actor.displayName}` };
        const changes = before ? diffChanges(settingsOf(before), s) : snapshot({ ...s });
        return {
          result: { created: !before, changed: !before || Object.keys(changes).length > 0 },
          audit: { action: before ? "UPDATE" : "CREATE", ...target, changes, notes: "/wl digest settings" },
        };
      });
    },

    /** Managers on their own schedule (enabled), with the Slack id their DM goes to. */
    async enabled(): Promise<Subscription[]> {
      const rows = await db.$queryRaw<(Row & { slackUserId: string })[]>`
        SELECT s.user_id AS "userId", s.time, s.tz, s.scope, s.enabled, su.slack_user_id AS "slackUserId"
          FROM wl_digest_subscription s JOIN wl_slack_user su ON su.user_id = s.user_id
         WHERE s.enabled ORDER BY s.user_id`;
      return rows.map((r) => ({ ...settingsOf(r), userId: r.userId, slackUserId: r.slackUserId }));
    },

    /** Everyone with saved settings (on or off): the channel digest no longer DMs them. */
    async scheduledSlackIds(tx: DbOrTx = db): Promise<Set<string>> {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        SELECT su.slack_user_id AS id FROM wl_digest_subscription s JOIN wl_slack_user su ON su.user_id = s.user_id`;
      return new Set(rows.map((r) => r.id));
    },
  };
}

/** The actor's auth_user id if they are still a manager (or admin) as of this transaction. */
async function managerIdIn(tx: DbOrTx, actor: Actor): Promise<number> {
  const refuse = () => forbidden("Digest settings are for managers. Ask an admin if you need them.", "not a manager at save time");
  if (actor.userId === null) throw refuse();
  const [row] = await tx.$queryRaw<{ role: string }[]>`SELECT role FROM wl_user_role WHERE user_id = ${actor.userId} FOR SHARE`;
  const role = roleSchema.safeParse(row?.role);
  if (!role.success || !hasRole(role.data, "manager")) throw refuse();
  return actor.userId;
}
