import type { Pool } from "../../db.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { IsoDate } from "../../lib/dates.js";
import type { MilestoneSummary } from "../health/health-fns.js";
import type { ListFilters } from "./creator-fns.js";
import type { HoldUnless } from "../../jobs/job-types.js";

// The hot reads of `/wl find`, `/wl list` and the card, straight on the pg.Pool under Prisma as
// named prepared statements: parsed and planned once per connection, and without Prisma's
// per-query overhead (measured: 0.24 vs 0.69 ms of CPU per find). Writes stay on Prisma.
//
// DATE columns are read as UTC-midnight timestamptz, which is what Prisma returns for them
// (node-postgres would otherwise make a local-midnight Date of a DATE).

export type FoundRow = {
  id: string;
  brandName: string;
  creatorName: string;
  creatorEmail: string;
  journeyStatus: string;
  healthScore: string;
  isActive: boolean;
  instagramHandle: string | null;
  tiktokHandle: string | null;
  twitterHandle: string | null;
  total: number;
};

export type ListRow = {
  id: string;
  brandName: string;
  creatorName: string;
  journeyStatus: string;
  isActive: boolean;
  healthScore: string;
  priorityLevel: number;
  lastContactedDate: Date | null;
  nextFollowUpDate: Date | null;
  createdAt: Date;
  lastStatusChange: Date;
  tags: unknown;
  openMilestones: number;
};

type Overdue = { overdueCount: number; oldestOverdue: IsoDate | null };
export const summaryOf = (r: Overdue): MilestoneSummary => ({ overdueCount: r.overdueCount, oldestOverdueTarget: r.oldestOverdue });

const utcDate = (col: string) => `(${col}::timestamp AT TIME ZONE 'UTC')`;

/** Overdue open milestones of creator `c` on day `$n`, as health scoring needs them (an index-only scan). */
const overdueOf = (today: string) => `
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS "overdueCount", to_char(min(ms.target_date), 'YYYY-MM-DD') AS "oldestOverdue"
      FROM studio_crm_milestone ms
     WHERE ms.creator_id = c.id AND ms.is_completed = false AND ms.target_date < ${today}::date
  ) od`;

const FIND = `
  SELECT id, brand_name AS "brandName", creator_name AS "creatorName", creator_email AS "creatorEmail",
         journey_status AS "journeyStatus", health_score AS "healthScore", is_active AS "isActive",
         instagram_handle AS "instagramHandle", tiktok_handle AS "tiktokHandle", twitter_handle AS "twitterHandle", total
    FROM wl_creator_search($1, $2)`;

/** Every column of the Creator model, named as Prisma names them (a test compares with Prisma's row). */
export const CREATOR_COLUMNS = `
  c.id, c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.created_by_id AS "createdById",
  c.last_updated_by_id AS "lastUpdatedById", c.creator_name AS "creatorName", c.creator_email AS "creatorEmail",
  c.creator_phone AS "creatorPhone", c.creator_location AS "creatorLocation", c.creator_timezone AS "creatorTimezone",
  c.creator_avatar AS "creatorAvatar", c.brand_name AS "brandName", c.brand_tagline AS "brandTagline",
  c.brand_niche AS "brandNiche", c.brand_logo AS "brandLogo", c.brand_website AS "brandWebsite",
  c.brand_description AS "brandDescription", c.journey_status AS "journeyStatus", c.health_score AS "healthScore",
  c.last_status_change AS "lastStatusChange", c.priority_level AS "priorityLevel", c.instagram_handle AS "instagramHandle",
  c.youtube_channel AS "youtubeChannel", c.tiktok_handle AS "tiktokHandle", c.twitter_handle AS "twitterHandle",
  c.linkedin_profile AS "linkedinProfile", c.other_social_links AS "otherSocialLinks",
  c.primary_communication_channel AS "primaryCommunicationChannel",
  ${utcDate("c.last_contacted_date")} AS "lastContactedDate", ${utcDate("c.next_follow_up_date")} AS "nextFollowUpDate",
  c.communication_notes AS "communicationNotes", c.custom_fields AS "customFields", c.is_active AS "isActive",
  c.internal_notes AS "internalNotes", c.tags`;

/**
 * The card in one round trip: the row, its overdue summary, the next five open milestones and
 * their count, and whether the viewer ($3, an auth_user id or null) follows the creator.
 */
const CARD = `
  SELECT ${CREATOR_COLUMNS}, od."overdueCount", od."oldestOverdue",
         EXISTS (SELECT 1 FROM wl_creator_follow f WHERE f.user_id = $3::int AND f.creator_id = c.id) AS following,
         (SELECT count(*)::int FROM studio_crm_milestone m WHERE m.creator_id = c.id AND NOT m.is_completed) AS "openMilestoneCount",
         (SELECT coalesce(json_agg(x ORDER BY x.ord), '[]'::json) FROM (
            SELECT m.id, m.title, to_char(m.target_date, 'YYYY-MM-DD') AS "targetDate",
                   row_number() OVER (ORDER BY m.target_date ASC NULLS LAST, m.created_at ASC) AS ord
              FROM studio_crm_milestone m WHERE m.creator_id = c.id AND NOT m.is_completed
             ORDER BY m.target_date ASC NULLS LAST, m.created_at ASC LIMIT 5) x) AS "openMilestones"
    FROM studio_crm_creator c ${overdueOf("$2")}
   WHERE c.id = $1::uuid`;

export type CardRow = Prisma.CreatorGetPayload<object> &
  Overdue & {
    openMilestoneCount: number;
    openMilestones: { id: string; title: string; targetDate: IsoDate | null; ord: number }[];
    following: boolean;
  };

/**
 * One statement text (and so one prepared statement) per combination of filters: each plan is
 * made for its own WHERE, so the unfiltered list reads studio_crm_creator_urgency_idx in order.
 */
function listStatements(filters: ListFilters) {
  const where = ["c.is_active"];
  const values: unknown[] = [];
  const add = (sql: (n: string) => string, v: unknown) => {
    values.push(v);
    where.push(sql(`$${values.length}`));
  };
  if (filters.status) add((n) => `c.journey_status = ${n}`, filters.status);
  if (filters.health) add((n) => `c.health_score = ${n}`, filters.health);
  if (filters.tag) add((n) => `EXISTS (SELECT 1 FROM jsonb_array_elements_text(c.tags) t WHERE lower(t) = lower(${n}))`, filters.tag);
  const shape = `${filters.status ? "s" : ""}${filters.health ? "h" : ""}${filters.tag ? "t" : ""}`;
  const n = values.length;
  const page = `
    SELECT c.id, c.brand_name AS "brandName", c.creator_name AS "creatorName", c.journey_status AS "journeyStatus",
           c.is_active AS "isActive", c.health_score AS "healthScore", c.priority_level AS "priorityLevel",
           ${utcDate("c.last_contacted_date")} AS "lastContactedDate", ${utcDate("c.next_follow_up_date")} AS "nextFollowUpDate",
           c.created_at AS "createdAt", c.last_status_change AS "lastStatusChange", c.tags,
           (SELECT count(*) FROM studio_crm_milestone m WHERE m.creator_id = c.id AND NOT m.is_completed)::int AS "openMilestones",
           od."overdueCount", od."oldestOverdue"
      FROM (SELECT * FROM studio_crm_creator c
             WHERE ${where.join(" AND ")}
             -- studio_crm_creator_urgency_idx's key: a page is read from the index in order.
             ORDER BY (CASE c.health_score WHEN 'RED' THEN 0 WHEN 'YELLOW' THEN 1 ELSE 2 END), c.priority_level, c.last_status_change, c.id
             LIMIT $${n + 1} OFFSET $${n + 2}) c
      ${overdueOf(`$${n + 3}`)}
     ORDER BY (CASE c.health_score WHEN 'RED' THEN 0 WHEN 'YELLOW' THEN 1 ELSE 2 END), c.priority_level, c.last_status_change, c.id`;
  return {
    page: (size: number, offset: number, today: IsoDate) => ({
      name: `wl_creator_list_${shape || "all"}`,
      text: page,
      values: [...values, size, offset, today],
    }),
    count: shape
      ? { name: `wl_creator_count_${shape}`, text: `SELECT count(*)::int AS n FROM studio_crm_creator c WHERE ${where.join(" AND ")}`, values }
      : // Unfiltered, the total comes from the urgency index alone (migration 20261209100000).
        { name: "wl_creator_count_all", text: "SELECT wl_creator_active_count() AS n", values },
  };
}

/**
 * "Some creator has this email", compared without case (the unique index is case-sensitive, and
 * two spellings of one mailbox are one creator), as a condition on the statement that stores a
 * New creator submission: the form's inline duplicate check, in the same round trip.
 */
export const emailInUse = (email: string): HoldUnless => ({
  name: "creator_email",
  sql: (param) => `EXISTS (SELECT 1 FROM studio_crm_creator WHERE lower(creator_email) = lower(${param(1)}))`,
  values: [email],
});

export function createCreatorReads(pool: Pool) {
  return {
    async find(text: string, limit: number): Promise<FoundRow[]> {
      return (await pool.query<FoundRow>({ name: "wl_creator_find", text: FIND, values: [text, limit] })).rows;
    },

    /** The card's row, its overdue summary, its next open milestones and the viewer's follow, in one round trip. */
    async card(id: string, today: IsoDate, viewerId: number | null): Promise<CardRow | null> {
      const { rows } = await pool.query<CardRow>({ name: "wl_creator_card", text: CARD, values: [id, today, viewerId] });
      return rows[0] ?? null;
    },

    /** A page of active creators, most urgent first, with each one's overdue summary; and the total. */
    async list(filters: ListFilters, size: number, offset: number, today: IsoDate): Promise<{ rows: (ListRow & Overdue)[]; total: number }> {
      const q = listStatements(filters);
      const [page, counted] = await Promise.all([pool.query<ListRow & Overdue>(q.page(size, offset, today)), pool.query<{ n: number }>(q.count)]);
      return { rows: page.rows, total: counted.rows[0]?.n ?? 0 };
    },

    /** One page only (a stale page number is re-read at the last page there is). */
    async listPage(filters: ListFilters, size: number, offset: number, today: IsoDate): Promise<(ListRow & Overdue)[]> {
      return (await pool.query<ListRow & Overdue>(listStatements(filters).page(size, offset, today))).rows;
    },
  };
}
