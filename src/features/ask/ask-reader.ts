import type { Db, Tx } from "../../db.js";
import { Prisma } from "../../generated/prisma/client.js";
import { dateInTz, daysBetween, fromDbDate, type IsoDate } from "../../lib/dates.js";
import { HEALTH_SELECT, type CreatorHealthRow, type HealthService } from "../health/health-service.js";
import { ASK_LIMITS } from "./ask-limits.js";
import type { ToolInput } from "./ask-tools.js";

// What the ask tools read, and nothing else. Every query names its columns: no credential
// table, no audit table, no user table, and on creators never the internal or communication
// notes, custom fields (free-form, anything may be pasted there), email or phone. Each lookup
// runs in a READ ONLY transaction, so even a bug here cannot write.

export type CreatorLabel = { id: string; brandName: string; creatorName: string };
/** A lookup's answer: the data for the model, and every creator it names (for Open buttons). */
export type Lookup = { data: Record<string, unknown>; creators: CreatorLabel[] } | { error: string };

type Deps = { db: Db; health: Pick<HealthService, "healthFor">; tz: string; today: () => IsoDate };

/** The creator columns a tool may show (Prisma select): an explicit list, so a new column stays out until added here. */
const cardSelect = {
  id: true,
  brandName: true,
  creatorName: true,
  brandNiche: true,
  brandTagline: true,
  brandWebsite: true,
  creatorLocation: true,
  creatorTimezone: true,
  journeyStatus: true,
  isActive: true,
  healthScore: true,
  priorityLevel: true,
  lastContactedDate: true,
  nextFollowUpDate: true,
  createdAt: true,
  lastStatusChange: true,
  primaryCommunicationChannel: true,
  instagramHandle: true,
  tiktokHandle: true,
  twitterHandle: true,
  youtubeChannel: true,
  tags: true,
} as const;

const NO_CREATOR = "No creator has that id. Use an id returned by find_creators or list_creators.";

const tagsOf = (tags: unknown): string[] =>
  Array.isArray(tags)
    ? tags
        .filter((t): t is string => typeof t === "string")
        .slice(0, 10)
        .map((t) => Array.from(t).slice(0, 50).join(""))
    : [];

const clipText = (s: string | null, max: number): string | null =>
  s === null
    ? null
    : Array.from(s).length > max
      ? `${Array.from(s)
          .slice(0, max - 1)
          .join("")}…`
      : s;

export function createAskReader({ db, health, tz, today }: Deps) {
  async function readOnly<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return db.$transaction(async (tx) => {
      await tx.$executeRaw`SET TRANSACTION READ ONLY`;
      return fn(tx);
    });
  }

  /** Days since contact, as the health rules count them: from the last contact, or from creation. */
  function contactFacts(c: { lastContactedDate: Date | null; createdAt: Date }, day: IsoDate) {
    const since = fromDbDate(c.lastContactedDate);
    const from = since ?? dateInTz(c.createdAt, tz);
    return { last_contacted_date: since, days_since_contact: daysBetween(from, day) };
  }

  function followUpFacts(d: Date | null, day: IsoDate) {
    const iso = fromDbDate(d);
    const overdue = iso ? daysBetween(iso, day) : 0;
    return { next_follow_up_date: iso, ...(overdue > 0 ? { follow_up_overdue_days: overdue } : {}) };
  }

  return {
    async findCreators(input: ToolInput<"find_creators">): Promise<Lookup> {
      const limit = input.limit ?? ASK_LIMITS.maxRows;
      return readOnly(async (tx) => {
        const rows = await tx.$queryRaw<(CreatorLabel & { journeyStatus: string; healthScore: string; isActive: boolean; total: number })[]>`
          SELECT id, brand_name AS "brandName", creator_name AS "creatorName", journey_status AS "journeyStatus",
                 health_score AS "healthScore", is_active AS "isActive", total
            FROM wl_creator_search(${input.text}::text, ${limit}::int)`;
        return {
          data: {
            total: rows[0]?.total ?? 0,
            creators: rows.map((r) => ({
              id: r.id,
              brand_name: r.brandName,
              creator_name: r.creatorName,
              journey_status: r.journeyStatus,
              health: r.healthScore,
              ...(r.isActive ? {} : { archived: true }),
            })),
          },
          creators: rows,
        };
      });
    },

    async listCreators(input: ToolInput<"list_creators">): Promise<Lookup> {
      const day = today();
      const where = input.include_archived ? [Prisma.sql`TRUE`] : [Prisma.sql`c.is_active`];
      if (input.status) where.push(Prisma.sql`c.journey_status = ${input.status}`);
      if (input.health) where.push(Prisma.sql`c.health_score = ${input.health}`);
      if (input.tag) where.push(Prisma.sql`EXISTS (SELECT 1 FROM jsonb_array_elements_text(c.tags) t WHERE lower(t) = lower(${input.tag}))`);
      if (input.no_contact_days !== undefined) {
        where.push(Prisma.sql`coalesce(c.last_contacted_date, (c.created_at AT TIME ZONE ${tz})::date) <= ${day}::date - ${input.no_contact_days}::int`);
      }
      if (input.follow_up_overdue === true) where.push(Prisma.sql`c.next_follow_up_date < ${day}::date`);
      if (input.follow_up_overdue === false) where.push(Prisma.sql`(c.next_follow_up_date IS NULL OR c.next_follow_up_date >= ${day}::date)`);
      if (input.max_priority_level !== undefined) where.push(Prisma.sql`c.priority_level <= ${input.max_priority_level}::int`);
      const limit = input.limit ?? ASK_LIMITS.maxRows;
      return readOnly(async (tx) => {
        const rows = await tx.$queryRaw<(CreatorHealthRow & { priorityLevel: number; tags: unknown; openMilestones: number; total: number })[]>`
          SELECT c.id, c.brand_name AS "brandName", c.creator_name AS "creatorName", c.journey_status AS "journeyStatus",
                 c.is_active AS "isActive", c.health_score AS "healthScore", c.priority_level AS "priorityLevel",
                 c.last_contacted_date AS "lastContactedDate", c.next_follow_up_date AS "nextFollowUpDate",
                 c.created_at AS "createdAt", c.last_status_change AS "lastStatusChange", c.tags,
                 (SELECT count(*) FROM studio_crm_milestone m WHERE m.creator_id = c.id AND NOT m.is_completed)::int AS "openMilestones",
                 count(*) OVER ()::int AS total
            FROM studio_crm_creator c
           WHERE ${Prisma.join(where, " AND ")}
           ORDER BY (CASE c.health_score WHEN 'RED' THEN 0 WHEN 'YELLOW' THEN 1 ELSE 2 END), c.priority_level, c.last_status_change, c.id
           LIMIT ${limit}`;
        const h = await health.healthFor(rows, day, tx);
        return {
          data: {
            today: day,
            total: rows[0]?.total ?? 0,
            creators: rows.map((r) => ({
              id: r.id,
              brand_name: r.brandName,
              creator_name: r.creatorName,
              journey_status: r.journeyStatus,
              ...(r.isActive ? {} : { archived: true }),
              health: h.get(r.id)?.score ?? r.healthScore,
              health_reasons: h.get(r.id)?.reasons ?? [],
              priority_level: r.priorityLevel,
              ...contactFacts(r, day),
              ...followUpFacts(r.nextFollowUpDate, day),
              open_milestones: r.openMilestones,
              tags: tagsOf(r.tags),
            })),
          },
          creators: rows,
        };
      });
    },

    async getCreator(input: ToolInput<"get_creator">): Promise<Lookup> {
      const day = today();
      return readOnly(async (tx) => {
        const c = await tx.creator.findUnique({ where: { id: input.creator_id }, select: cardSelect });
        if (!c) return { error: NO_CREATOR };
        const h = (await health.healthFor([c], day, tx)).get(c.id);
        const open = await tx.milestone.findMany({
          where: { creatorId: c.id, isCompleted: false },
          orderBy: [{ targetDate: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }],
          take: 5,
          select: { title: true, targetDate: true },
        });
        const openCount = await tx.milestone.count({ where: { creatorId: c.id, isCompleted: false } });
        return {
          data: {
            today: day,
            id: c.id,
            brand_name: c.brandName,
            creator_name: c.creatorName,
            brand_niche: c.brandNiche,
            brand_tagline: clipText(c.brandTagline, 200),
            brand_website: c.brandWebsite,
            location: c.creatorLocation,
            timezone: c.creatorTimezone,
            journey_status: c.journeyStatus,
            archived: !c.isActive,
            status_since: fromDbDate(c.lastStatusChange),
            health: h?.score ?? c.healthScore,
            health_reasons: h?.reasons ?? [],
            priority_level: c.priorityLevel,
            ...contactFacts(c, day),
            ...followUpFacts(c.nextFollowUpDate, day),
            primary_communication_channel: c.primaryCommunicationChannel,
            social: { instagram: c.instagramHandle, tiktok: c.tiktokHandle, twitter: c.twitterHandle, youtube: c.youtubeChannel },
            tags: tagsOf(c.tags),
            open_milestones: openCount,
            next_open_milestones: open.map((m) => ({ title: clipText(m.title, 200), target_date: fromDbDate(m.targetDate) })),
          },
          creators: [c],
        };
      });
    },

    async listMilestones(input: ToolInput<"list_milestones">): Promise<Lookup> {
      const day = today();
      const limit = input.limit ?? 20;
      return readOnly(async (tx) => {
        const c = await tx.creator.findUnique({ where: { id: input.creator_id }, select: { id: true, brandName: true, creatorName: true } });
        if (!c) return { error: NO_CREATOR };
        const where = { creatorId: c.id, ...(input.include_completed ? {} : { isCompleted: false }) };
        const rows = await tx.milestone.findMany({
          where,
          orderBy: [{ isCompleted: "asc" }, { targetDate: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }],
          take: limit,
          select: { title: true, description: true, targetDate: true, completedDate: true, isCompleted: true, relatedJourneyStage: true },
        });
        const total = await tx.milestone.count({ where });
        return {
          data: {
            today: day,
            creator: { id: c.id, brand_name: c.brandName },
            total,
            milestones: rows.map((m) => {
              const target = fromDbDate(m.targetDate);
              const overdue = !m.isCompleted && target ? daysBetween(target, day) : 0;
              return {
                title: clipText(m.title, 200),
                description: clipText(m.description, 200),
                stage: m.relatedJourneyStage,
                target_date: target,
                completed: m.isCompleted,
                completed_date: fromDbDate(m.completedDate),
                ...(overdue > 0 ? { overdue_days: overdue } : {}),
              };
            }),
          },
          creators: [c],
        };
      });
    },

    async healthReasons(input: ToolInput<"get_health_reasons">): Promise<Lookup> {
      const day = today();
      return readOnly(async (tx) => {
        const c = await tx.creator.findUnique({ where: { id: input.creator_id }, select: HEALTH_SELECT });
        if (!c) return { error: NO_CREATOR };
        const h = (await health.healthFor([c], day, tx)).get(c.id);
        return {
          data: { today: day, id: c.id, brand_name: c.brandName, health: h?.score ?? c.healthScore, reasons: h?.reasons ?? [] },
          creators: [c],
        };
      });
    },
  };
}

export type AskReader = ReturnType<typeof createAskReader>;
