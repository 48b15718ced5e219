import type { DbOrTx } from "../../db.js";
import { addDays, dateInTz, type IsoDate } from "../../lib/dates.js";
import { UNTRACKED_STATUSES, type HealthScore } from "./health-fns.js";

// The day-by-day record of health (wl_health_snapshot): one row per tracked creator per day.
// Scores move with the passage of time and every edit, so "new RED since yesterday" and a
// trend need what each day's score *was*, which the creator row no longer knows.
// Tracked means what the digests count: active, and not PAUSED or CLOSED (those are stored
// GREEN with "not tracked" and would only inflate the GREEN line).

/** Snapshots older than this many days are deleted when a day's snapshot is written. */
export const SNAPSHOT_KEEP_DAYS = 35;

export type DayCounts = { day: IsoDate; red: number; yellow: number; green: number };
export type StatusChange = { id: string; name: string };
export type StatusChanges = { since: IsoDate; until: IsoDate; newRed: StatusChange[]; recovered: StatusChange[] };

/**
 * Writes `day`'s snapshot from the stored scores and prunes old days. `overwrite` is for the
 * nightly recompute, whose scores are the day's authoritative ones (it replaces rows an early
 * digest wrote before it ran); every other writer only fills in what is missing.
 */
export async function writeHealthSnapshot(db: DbOrTx, day: IsoDate, opts: { overwrite?: boolean } = {}): Promise<{ written: number; pruned: number }> {
  const untracked = [...UNTRACKED_STATUSES];
  const written = opts.overwrite
    ? await db.$executeRaw`
        INSERT INTO wl_health_snapshot (day, creator_id, status)
        SELECT ${day}::date, id, health_score FROM studio_crm_creator
         WHERE is_active AND journey_status <> ALL(${untracked}::text[]) AND health_score IN ('RED', 'YELLOW', 'GREEN')
        ON CONFLICT (day, creator_id) DO UPDATE SET status = EXCLUDED.status WHERE wl_health_snapshot.status <> EXCLUDED.status`
    : await db.$executeRaw`
        INSERT INTO wl_health_snapshot (day, creator_id, status)
        SELECT ${day}::date, id, health_score FROM studio_crm_creator
         WHERE is_active AND journey_status <> ALL(${untracked}::text[]) AND health_score IN ('RED', 'YELLOW', 'GREEN')
        ON CONFLICT (day, creator_id) DO NOTHING`;
  const pruned = await db.$executeRaw`DELETE FROM wl_health_snapshot WHERE day < ${addDays(day, -SNAPSHOT_KEEP_DAYS)}::date`;
  return { written, pruned };
}

/**
 * When a digest is built: today's snapshot, if the nightly run has not written one (a fresh
 * install, a night every replica was down). Idempotent: concurrent callers insert nothing twice.
 */
export async function ensureHealthSnapshot(db: DbOrTx, day: IsoDate): Promise<boolean> {
  const [row] = await db.$queryRaw<{ present: boolean }[]>`SELECT EXISTS (SELECT 1 FROM wl_health_snapshot WHERE day = ${day}::date) AS present`;
  if (row?.present) return false;
  await writeHealthSnapshot(db, day);
  return true;
}

/**
 * Counts per status for each of the `days` days ending on `now`'s date in `tz` (the studio's
 * DIGEST_TZ; UTC if not given), oldest first. Always exactly `days` entries (1 to
 * SNAPSHOT_KEEP_DAYS): a day with no snapshot has zeros in every count.
 */
export async function healthCountsByDay(db: DbOrTx, opts: { days: number; now: Date; tz?: string }): Promise<DayCounts[]> {
  const days = Math.min(SNAPSHOT_KEEP_DAYS, Math.max(1, Math.floor(opts.days) || 1));
  const last = dateInTz(opts.now, opts.tz ?? "UTC");
  const first = addDays(last, -(days - 1));
  const rows = await db.$queryRaw<{ day: string; status: HealthScore; n: number }[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, status, count(*)::int AS n FROM wl_health_snapshot
     WHERE day BETWEEN ${first}::date AND ${last}::date GROUP BY day, status`;
  const out = Array.from({ length: days }, (_, i): DayCounts => ({ day: addDays(first, i), red: 0, yellow: 0, green: 0 }));
  const at = new Map(out.map((d) => [d.day, d]));
  for (const r of rows) {
    const d = at.get(r.day);
    if (d) d[r.status === "RED" ? "red" : r.status === "YELLOW" ? "yellow" : "green"] = r.n;
  }
  return out;
}

/** The latest day before `day` with a snapshot (yesterday, unless the bot was down). */
export async function latestSnapshotBefore(db: DbOrTx, day: IsoDate): Promise<IsoDate | null> {
  const [row] = await db.$queryRaw<{ day: string | null }[]>`
    SELECT to_char(max(day), 'YYYY-MM-DD') AS day FROM wl_health_snapshot WHERE day < ${day}::date`;
  return row?.day ?? null;
}

/**
 * What changed between `day`'s snapshot and `until`'s (default: the latest snapshot after
 * `day`). New RED: RED on `until` and not RED on `day` (worsened from YELLOW, or new). Recovered:
 * RED or YELLOW on `day` and GREEN on `until` (a creator paused or archived since is not
 * "recovered": it is no longer tracked). Null when either day has no snapshot.
 */
export async function statusChangesSince(db: DbOrTx, day: IsoDate, opts: { until?: IsoDate } = {}): Promise<StatusChanges | null> {
  const [b] = await db.$queryRaw<{ has_since: boolean; until: string | null }[]>`
    SELECT EXISTS (SELECT 1 FROM wl_health_snapshot WHERE day = ${day}::date) AS has_since,
           (SELECT to_char(max(day), 'YYYY-MM-DD') FROM wl_health_snapshot
             WHERE day > ${day}::date AND (${opts.until ?? null}::date IS NULL OR day = ${opts.until ?? null}::date)) AS until`;
  if (!b?.has_since || !b.until) return null;
  const until = b.until;
  const rows = await db.$queryRaw<{ id: string; name: string | null; kind: "newRed" | "recovered" }[]>`
    SELECT n.creator_id::text AS id, c.brand_name AS name,
           CASE WHEN n.status = 'RED' THEN 'newRed' ELSE 'recovered' END AS kind
      FROM wl_health_snapshot n
      LEFT JOIN wl_health_snapshot p ON p.day = ${day}::date AND p.creator_id = n.creator_id
      LEFT JOIN studio_crm_creator c ON c.id = n.creator_id
     WHERE n.day = ${until}::date
       AND ((n.status = 'RED' AND p.status IS DISTINCT FROM 'RED')
         OR (n.status = 'GREEN' AND p.status IN ('RED', 'YELLOW')))
     ORDER BY c.brand_name NULLS LAST, n.creator_id`;
  const pick = (kind: "newRed" | "recovered") => rows.filter((r) => r.kind === kind).map((r) => ({ id: r.id, name: r.name ?? "(deleted)" }));
  return { since: day, until, newRed: pick("newRed"), recovered: pick("recovered") };
}
