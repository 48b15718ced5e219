import type { Db, DbOrTx, Tx } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import { writeAudit } from "../../audit/audit-service.js";
import { fromDbDate, toDbDate, type IsoDate } from "../../lib/dates.js";
import { computeHealth, summariseMilestones, type Health, type HealthInput, type HealthScore, type MilestoneSummary } from "./health-fns.js";

export type HealthService = ReturnType<typeof createHealthService>;

export type CreatorHealthRow = {
  id: string;
  brandName: string;
  creatorName: string;
  journeyStatus: string;
  isActive: boolean;
  healthScore: string;
  lastContactedDate: Date | null;
  nextFollowUpDate: Date | null;
  createdAt: Date;
  lastStatusChange: Date;
};

export function toHealthInput(c: CreatorHealthRow, milestones: MilestoneSummary): HealthInput {
  return {
    journeyStatus: c.journeyStatus,
    isActive: c.isActive,
    lastContactedDate: fromDbDate(c.lastContactedDate),
    nextFollowUpDate: fromDbDate(c.nextFollowUpDate),
    createdAt: c.createdAt,
    lastStatusChange: c.lastStatusChange,
    milestones,
  };
}

const healthSelect = {
  id: true, brandName: true, creatorName: true, journeyStatus: true, isActive: true, healthScore: true,
  lastContactedDate: true, nextFollowUpDate: true, createdAt: true, lastStatusChange: true,
} as const;

const BATCH = 5_000;

export function createHealthService(deps: { db: Db; tz: string }) {
  const { db, tz } = deps;

  /** Overdue-milestone summaries for many creators in one query. */
  async function summaries(tx: DbOrTx, creatorIds: readonly string[], today: IsoDate): Promise<Map<string, MilestoneSummary>> {
    const out = new Map<string, MilestoneSummary>();
    if (creatorIds.length === 0) return out;
    const rows = await tx.$queryRaw<{ creator_id: string; n: bigint; oldest: Date | null }[]>`
      SELECT creator_id, count(*) AS n, min(target_date) AS oldest
        FROM studio_crm_milestone
       WHERE creator_id = ANY(${creatorIds}::uuid[]) AND NOT is_completed AND target_date < ${toDbDate(today)}::date
       GROUP BY creator_id`;
    for (const r of rows) out.set(r.creator_id, { overdueCount: Number(r.n), oldestOverdueTarget: fromDbDate(r.oldest) });
    return out;
  }

  const none: MilestoneSummary = { overdueCount: 0, oldestOverdueTarget: null };

  return {
    tz,

    /** Health with reasons for creators already loaded (card, list, Home, digests). */
    async healthFor(rows: readonly CreatorHealthRow[], today: IsoDate, tx: DbOrTx = db): Promise<Map<string, Health>> {
      const s = await summaries(tx, rows.map((r) => r.id), today);
      return new Map(rows.map((r) => [r.id, computeHealth(toHealthInput(r, s.get(r.id) ?? none), today, tz)]));
    },

    /**
     * Recomputes one creator inside the caller's transaction, after any change that can move
     * the score. A change of score is audited under the same actor, with the reasons.
     */
    async recompute(tx: Tx, creatorId: string, actor: Actor, today: IsoDate): Promise<Health & { changed: boolean }> {
      const c = await tx.creator.findUniqueOrThrow({ where: { id: creatorId }, select: healthSelect });
      const ms = await tx.milestone.findMany({ where: { creatorId }, select: { targetDate: true, isCompleted: true } });
      const health = computeHealth(
        toHealthInput(c, summariseMilestones(ms.map((m) => ({ targetDate: fromDbDate(m.targetDate), isCompleted: m.isCompleted })), today)),
        today,
        tz,
      );
      if (health.score === c.healthScore) return { ...health, changed: false };
      await tx.creator.update({ where: { id: creatorId }, data: { healthScore: health.score } });
      await writeAudit(tx, actor, {
        action: "UPDATE",
        targetModel: "Creator",
        targetId: creatorId,
        targetDisplay: `${c.brandName} (${c.creatorName})`,
        changes: { health_score: { from: c.healthScore, to: health.score } },
        notes: health.reasons.join("; ") || "no concerns",
      });
      return { ...health, changed: true };
    },

    /**
     * Every active creator, for the passage of time (nightly). Reads in keyset-paged batches
     * with milestone summaries aggregated in SQL, and writes only the rows whose score moved,
     * each batch with its audit rows in one transaction.
     */
    async recomputeAll(actor: Actor, today: IsoDate): Promise<{ scanned: number; changed: number; byScore: Record<HealthScore, number> }> {
      let after = "00000000-0000-0000-0000-000000000000";
      let scanned = 0;
      let changed = 0;
      const byScore: Record<HealthScore, number> = { GREEN: 0, YELLOW: 0, RED: 0 };
      for (;;) {
        const rows = await db.$queryRaw<(CreatorHealthRow & { n: bigint | null; oldest: Date | null })[]>`
          SELECT c.id, c.brand_name AS "brandName", c.creator_name AS "creatorName", c.journey_status AS "journeyStatus",
                 c.is_active AS "isActive", c.health_score AS "healthScore", c.last_contacted_date AS "lastContactedDate",
                 c.next_follow_up_date AS "nextFollowUpDate", c.created_at AS "createdAt", c.last_status_change AS "lastStatusChange",
                 m.n, m.oldest
            FROM studio_crm_creator c
            LEFT JOIN LATERAL (
              SELECT count(*) AS n, min(target_date) AS oldest FROM studio_crm_milestone
               WHERE creator_id = c.id AND NOT is_completed AND target_date < ${toDbDate(today)}::date
            ) m ON true
           WHERE c.id > ${after}::uuid
           ORDER BY c.id
           LIMIT ${BATCH}`;
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.id;
        scanned += rows.length;
        const moved: { id: string; from: string; to: HealthScore; display: string; reasons: string }[] = [];
        for (const r of rows) {
          const h = computeHealth(
            toHealthInput(r, { overdueCount: Number(r.n ?? 0), oldestOverdueTarget: fromDbDate(r.oldest) }),
            today,
            tz,
          );
          byScore[h.score]++;
          if (h.score !== r.healthScore) {
            moved.push({ id: r.id, from: r.healthScore, to: h.score, display: `${r.brandName} (${r.creatorName})`, reasons: h.reasons.join("; ") || "no concerns" });
          }
        }
        if (moved.length === 0) continue;
        changed += moved.length;
        await db.$transaction(async (tx) => {
          // Conditional on the score we read: a concurrent edit that already moved it wins.
          await tx.$executeRaw`
            UPDATE studio_crm_creator c SET health_score = v.score
              FROM unnest(${moved.map((m) => m.id)}::uuid[], ${moved.map((m) => m.to)}::text[], ${moved.map((m) => m.from)}::text[]) AS v(id, score, prev)
             WHERE c.id = v.id AND c.health_score = v.prev`;
          await writeAudit(
            tx,
            actor,
            moved.map((m) => ({
              action: "UPDATE" as const,
              targetModel: "Creator",
              targetId: m.id,
              targetDisplay: m.display,
              changes: { health_score: { from: m.from, to: m.to } },
              notes: `nightly recompute: ${m.reasons}`,
            })),
          );
        }, { timeout: 60_000 });
      }
      return { scanned, changed, byScore };
    },
  };
}

