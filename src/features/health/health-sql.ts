import { UNTRACKED_STATUSES } from "./health-fns.js";

// The health recompute's SQL: the read that scores creators (one shape for the single recompute
// and the nightly batches) and the nightly writer's two statements, lock and write. How they are
// used, chunked and retried is health-service.ts.

/**
 * SQL true when creator `c` is scored (isTracked in health-fns.ts): active and in a tracked stage.
 * The untracked stages are the code's own constants, checked to be plain names before they are
 * written into a statement.
 */
const trackedSql = (c: string): string => {
  if (!UNTRACKED_STATUSES.every((s) => /^[A-Z_]+$/.test(s))) throw new Error("UNTRACKED_STATUSES must be plain names");
  return `(${c}.is_active AND ${c}.journey_status NOT IN (${UNTRACKED_STATUSES.map((s) => `'${s}'`).join(", ")}))`;
};

// One query shape for the single recompute and the nightly batches, so both score alike
// (`extra` adds the names the single recompute puts in its audit row). The overdue summary is
// aggregated in SQL through the (creator_id, is_completed, target_date) index, an index-only
// scan: no milestone row ever reaches Node. It is read only for tracked creators: an archived,
// paused or closed one is GREEN whatever its milestones say, and such creators pile up over the
// years (a third of the benchmark's), so theirs is a count of none without reading the index.
// $1 is today; `where` numbers its own from $2.
export function creatorsWithSummary(where: string, extra = ""): string {
  return `
    SELECT c.id::text AS id, c.xmin::text AS xmin, ${extra}
           c.journey_status AS "journeyStatus", c.is_active AS "isActive", c.health_score AS "healthScore",
           to_char(c.last_contacted_date, 'YYYY-MM-DD') AS "lastContactedDate",
           to_char(c.next_follow_up_date, 'YYYY-MM-DD') AS "nextFollowUpDate",
           (extract(epoch FROM c.created_at) * 1000)::float8 AS "createdAtMs",
           (extract(epoch FROM c.last_status_change) * 1000)::float8 AS "lastStatusChangeMs",
           m.n AS "overdueCount", to_char(m.oldest, 'YYYY-MM-DD') AS "oldestOverdue"
      FROM studio_crm_creator c
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS n, min(ms.target_date) AS oldest
          FROM studio_crm_milestone ms
         WHERE ${trackedSql("c")} AND ms.creator_id = c.id AND ms.is_completed = false AND ms.target_date < $1::date
      ) m
     ${where}`;
}

/**
 * Locks a chunk's creators (ids as one comma-separated text, see writeMoved in
 * health-service.ts), skipping any a request holds, in id order; returns the ids it locked,
 * likewise joined. One primary-key probe and lock per id: written as `id = ANY(array)`, the
 * chunk's thousand ids were known at planning and Postgres filtered a sequential scan of every
 * creator through them (at 100,000 creators 60-75 ms a chunk, against 14 ms this way).
 */
export const LOCK_MOVED_SQL = `
  SELECT string_agg(l.id::text, ',') AS ids
    FROM (SELECT u.id FROM unnest(string_to_array($1, ',')::uuid[]) AS u(id) ORDER BY u.id) w
   CROSS JOIN LATERAL (SELECT c.id FROM studio_crm_creator c WHERE c.id = w.id FOR NO KEY UPDATE SKIP LOCKED) l`;

/**
 * A chunk's update and its audit rows in one statement ($1 the chunk as JSON, $2 today, $3-$6 the
 * actor). Only rows exactly as they were scored are written: the version read (xmin), the score
 * read and, for a tracked creator, the overdue-milestone summary read. The audit INSERT reads the
 * updated rows through a sort, which takes every row before it yields one: so the rows are all
 * updated before the first audit row's trigger takes the chain, and the other lane's update runs
 * meanwhile. The trigger's wait for the chain is bounded by lock_timeout. Every NOT NULL column
 * is set (the Django app's tables have no defaults), clipped as writeAudit clips. Sent as a named
 * prepared statement: its plan (some 5 ms to make, with ten indexes on the table) is made once
 * per connection.
 */
export const WRITE_MOVED_SQL = `
  WITH v AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb)
             AS v(id uuid, xmin text, n int, oldest date, prev text, score text, notes text)
  ), u AS (
    UPDATE studio_crm_creator c SET health_score = v.score
      FROM v CROSS JOIN LATERAL (
        SELECT count(*)::int AS n, min(ms.target_date) AS oldest
          FROM studio_crm_milestone ms
         WHERE ms.creator_id = v.id AND ms.is_completed = false AND ms.target_date < $2::date
      ) m
     WHERE c.id = v.id AND c.xmin = v.xmin::xid AND c.health_score = v.prev
       AND (NOT ${trackedSql("c")} OR (m.n = v.n AND m.oldest IS NOT DISTINCT FROM v.oldest))
    RETURNING c.id, c.brand_name || ' (' || c.creator_name || ')' AS display, v.prev, v.score, v.notes
  ), a AS (
    INSERT INTO studio_crm_auditlog (id, "timestamp", user_id, user_email, action_type, target_model, target_id, target_display, changes, notes, slack_user_id, slack_team_id)
    SELECT gen_random_uuid(), now(), $3::int, $4, 'UPDATE', 'Creator', u.id,
           CASE WHEN char_length(u.display) > 200 THEN left(u.display, 199) || '…' ELSE u.display END,
           jsonb_build_object('health_score', jsonb_build_object('from', u.prev, 'to', u.score)),
           u.notes, $5, $6
      FROM u ORDER BY u.id
    RETURNING target_id
  )
  SELECT string_agg(target_id::text, ',') AS ids FROM a`;
