import type { Db } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import { hasRole } from "../../identity/roles.js";
import { toDbDate, type IsoDate } from "../../lib/dates.js";
import { HEALTH_SELECT, type HealthService } from "../health/health-service.js";
import type { Health } from "../health/health-fns.js";

export type HomeService = ReturnType<typeof createHomeService>;

/** How many of each list the Home tab shows; with the fixed blocks this stays under Slack's 100. */
export const HOME_LIMITS = { urgent: 20, followUps: 10, reveals: 8 } as const;

export type HomeCreator = { id: string; brandName: string; creatorName: string; journeyStatus: string; priorityLevel: number; healthScore: string };
export type HomeReveal = {
  id: string;
  requesterName: string;
  requesterSlackId: string;
  isOwn: boolean;
  platform: string;
  account: string;
  brandName: string;
  reason: string;
  createdAt: Date;
};
export type Dashboard = {
  today: IsoDate;
  now: Date;
  byHealth: Record<string, number>;
  byStatus: Record<string, number>;
  urgent: (HomeCreator & { health: Health })[];
  urgentTotal: number;
  followUps: HomeCreator[];
  followUpsTotal: number;
  /** Only for admins (they decide reveal requests); null for everyone else. */
  reveals: { rows: HomeReveal[]; total: number } | null;
};

const creatorSelect = { ...HEALTH_SELECT, priorityLevel: true } as const;

export function createHomeService({ db, health }: { db: Db; health: Pick<HealthService, "healthFor"> }) {
  return {
    async dashboard(actor: Actor, now: Date, today: IsoDate): Promise<Dashboard> {
      const isAdmin = hasRole(actor.role, "admin");
      const todayDb = toDbDate(today);
      const [counts, urgent, followUps, followUpsTotal, reveals, revealTotal] = await Promise.all([
        db.creator.groupBy({ by: ["journeyStatus", "healthScore"], where: { isActive: true }, _count: { _all: true } }),
        db.creator.findMany({
          where: { isActive: true, healthScore: { in: ["RED", "YELLOW"] } },
          // 'RED' < 'YELLOW' as text, so ascending puts RED first, as the dashboard query does.
          orderBy: [{ healthScore: "asc" }, { priorityLevel: "asc" }, { lastStatusChange: "asc" }, { id: "asc" }],
          take: HOME_LIMITS.urgent,
          select: creatorSelect,
        }),
        db.creator.findMany({
          where: { isActive: true, nextFollowUpDate: todayDb },
          orderBy: [{ priorityLevel: "asc" }, { brandName: "asc" }],
          take: HOME_LIMITS.followUps,
          select: creatorSelect,
        }),
        db.creator.count({ where: { isActive: true, nextFollowUpDate: todayDb } }),
        isAdmin
          ? db.revealRequest.findMany({
              where: { status: "PENDING" },
              orderBy: { createdAt: "asc" },
              take: HOME_LIMITS.reveals,
              include: {
                requester: { select: { email: true, firstName: true } },
                credential: { select: { platformName: true, accountIdentifier: true, creator: { select: { brandName: true } } } },
              },
            })
          : Promise.resolve([]),
        isAdmin ? db.revealRequest.count({ where: { status: "PENDING" } }) : Promise.resolve(0),
      ]);
      const healthMap = await health.healthFor(urgent, today);

      const byHealth: Record<string, number> = { RED: 0, YELLOW: 0, GREEN: 0 };
      const byStatus: Record<string, number> = {};
      for (const c of counts) {
        byHealth[c.healthScore] = (byHealth[c.healthScore] ?? 0) + c._count._all;
        byStatus[c.journeyStatus] = (byStatus[c.journeyStatus] ?? 0) + c._count._all;
      }
      return {
        today,
        now,
        byHealth,
        byStatus,
        urgent: urgent.map((c) => ({ ...c, health: healthMap.get(c.id) ?? { score: c.healthScore as Health["score"], reasons: [] } })),
        urgentTotal: (byHealth.RED ?? 0) + (byHealth.YELLOW ?? 0),
        followUps,
        followUpsTotal,
        reveals: isAdmin
          ? {
              total: revealTotal,
              rows: reveals.map((r) => ({
                id: r.id,
                requesterName: r.requester.firstName || r.requester.email,
                requesterSlackId: r.requesterSlackId,
                isOwn: r.requesterId === actor.userId,
                platform: r.credential.platformName,
                account: r.credential.accountIdentifier,
                brandName: r.credential.creator.brandName,
                reason: r.reason,
                createdAt: r.createdAt,
              })),
            }
          : null,
      };
    },
  };
}
