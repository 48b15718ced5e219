import type { Db } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import { audited } from "../../audit/audit-service.js";
import { forbidden, notFound } from "../../errors.js";
import { displayOf } from "../creators/creator-fns.js";

export type FollowService = ReturnType<typeof createFollowService>;

export type FollowResult = { creator: { id: string; brandName: string; creatorName: string }; following: boolean; changed: boolean };

/**
 * wl_creator_follow: who follows which creator, for "only creators I follow" digests. A follow
 * is one conditional write (the primary key makes a double click one row; its row count says
 * whether anything changed), audited with the change.
 */
export function createFollowService(deps: { db: Db }) {
  const { db } = deps;

  return {
    async followedIds(userId: number): Promise<Set<string>> {
      const rows = await db.creatorFollow.findMany({ where: { userId }, select: { creatorId: true } });
      return new Set(rows.map((r) => r.creatorId));
    },

    /**
     * Follows (or unfollows) a creator. The id comes from a button and may be forged: the
     * creator is looked up (and locked against deletion) in the transaction that writes.
     */
    set(actor: Actor, creatorId: string, follow: boolean): Promise<FollowResult> {
      return audited(db, actor, async (tx) => {
        if (actor.userId === null) throw forbidden("Following creators needs a studio account.", "no auth_user");
        const [c] = await tx.$queryRaw<{ id: string; brandName: string; creatorName: string }[]>`
          SELECT id::text AS id, brand_name AS "brandName", creator_name AS "creatorName"
            FROM studio_crm_creator WHERE id = ${creatorId}::uuid FOR SHARE`;
        if (!c) throw notFound("That creator no longer exists.");
        const n = follow
          ? await tx.$executeRaw`
              INSERT INTO wl_creator_follow (user_id, creator_id, created_at) VALUES (${actor.userId}, ${c.id}::uuid, now())
              ON CONFLICT (user_id, creator_id) DO NOTHING`
          : await tx.$executeRaw`DELETE FROM wl_creator_follow WHERE user_id = ${actor.userId} AND creator_id = ${c.id}::uuid`;
        const changed = n === 1;
        const verb = follow ? "follow" : "unfollow";
        return {
          result: { creator: c, following: follow, changed },
          audit: {
            action: "UPDATE",
            targetModel: "Creator",
            targetId: c.id,
            targetDisplay: displayOf(c),
            changes: changed ? { followed_by_me: { from: !follow, to: follow } } : {},
            notes: changed ? `${verb}ed the creator (digest scope)` : `${verb}: nothing to change (already ${follow ? "following" : "not following"})`,
          },
        };
      });
    },
  };
}
