import type { Db, DbOrTx } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import { audited } from "../../audit/audit-service.js";
import { diffChanges } from "../../audit/audit-fns.js";
import { notFound } from "../../errors.js";
import { fromDbDate, toDbDate, type IsoDate } from "../../lib/dates.js";
import { HEALTH_SELECT, type CreatorHealthRow, type HealthService } from "../health/health-service.js";
import { UNTRACKED_STATUSES } from "../health/health-fns.js";
import { ensureHealthSnapshot, latestSnapshotBefore, statusChangesSince } from "../health/health-snapshot.js";
import { displayOf } from "../creators/creator-fns.js";
import { orderEntries } from "./digest-fns.js";
import { snoozeCreator, snoozedOn, type SnoozeResult } from "./digest-snooze.js";
import type { DigestEntry, DigestSnapshot } from "./digest-types.js";

export type DigestService = ReturnType<typeof createDigestService>;
export type { SnoozeResult };

export const DIGEST_JOB = "digest";
/** The day's plan row (what to send) has no destination; each destination has its own row. */
export const PLAN_DESTINATION = "";

const select = { ...HEALTH_SELECT, priorityLevel: true } as const;

type Row = CreatorHealthRow & { priorityLevel: number };

export type ActResult = {
  creator: Pick<DigestEntry, "id" | "brandName" | "creatorName" | "score" | "reasons">;
  from: IsoDate | null;
  to: IsoDate;
};

export function createDigestService(deps: { db: Db; health: Pick<HealthService, "healthFor" | "recompute" | "tz"> }) {
  const { db, health } = deps;

  async function entries(rows: readonly Row[], today: IsoDate): Promise<DigestEntry[]> {
    const h = await health.healthFor(rows, today);
    return rows.map((r) => {
      const x = h.get(r.id)!;
      return {
        id: r.id,
        brandName: r.brandName,
        creatorName: r.creatorName,
        journeyStatus: r.journeyStatus,
        priority: r.priorityLevel,
        lastStatusChange: r.lastStatusChange,
        nextFollowUp: fromDbDate(r.nextFollowUpDate),
        score: x.score,
        reasons: x.reasons,
      };
    });
  }

  /** Active, tracked creators whose score is RED or YELLOW (the indexed health_score column). */
  function loadFlagged(tx: DbOrTx = db) {
    return tx.creator.findMany({
      where: { isActive: true, journeyStatus: { notIn: [...UNTRACKED_STATUSES] }, healthScore: { in: ["RED", "YELLOW"] } },
      select,
    });
  }

  /** By id in one array parameter: a plan may name more creators than Postgres allows parameters. */
  function loadByIds(ids: readonly string[], tx: DbOrTx = db): Promise<Row[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return tx.$queryRaw<Row[]>`
      SELECT id::text AS id, brand_name AS "brandName", creator_name AS "creatorName", journey_status AS "journeyStatus",
             is_active AS "isActive", health_score AS "healthScore", priority_level AS "priorityLevel",
             last_contacted_date AS "lastContactedDate", next_follow_up_date AS "nextFollowUpDate",
             created_at AS "createdAt", last_status_change AS "lastStatusChange"
        FROM studio_crm_creator WHERE id = ANY(${ids}::uuid[])`;
  }

  /** The latest finished digest run before (or on) a day: whose undelivered destinations to report. */
  async function previousRunKey(day: IsoDate, inclusive: boolean): Promise<IsoDate | null> {
    const rows = await db.$queryRaw<{ run_key: string }[]>`
      SELECT run_key FROM wl_job_run WHERE job = ${DIGEST_JOB} AND destination = ${PLAN_DESTINATION}
         AND status = 'done' AND (run_key < ${day} OR (${inclusive} AND run_key = ${day})) ORDER BY run_key DESC LIMIT 1`;
    return rows[0]?.run_key ?? null;
  }

  /** Tracked creators whose stored score is GREEN: the summary's third count. */
  async function countGreen(): Promise<number> {
    return db.creator.count({ where: { isActive: true, journeyStatus: { notIn: [...UNTRACKED_STATUSES] }, healthScore: "GREEN" } });
  }

  /** Destinations of a run that never received their digest (failed, or left unfinished). */
  async function undelivered(runKey: IsoDate): Promise<DigestSnapshot["undelivered"]> {
    const rows = await db.$queryRaw<{ destination: string; status: string; error: string | null }[]>`
      SELECT destination, status, error FROM wl_job_run
       WHERE job = ${DIGEST_JOB} AND run_key = ${runKey} AND destination <> ${PLAN_DESTINATION} AND status <> 'done'
       ORDER BY destination`;
    return rows.map((r) => ({ runKey, destination: r.destination, error: r.error ?? (r.status === "running" ? "did not finish" : r.status) }));
  }

  return {
    /**
     * The digest as of `today`: who is RED or YELLOW now (with reasons), in digest order, less
     * the snoozed; how many are GREEN; and what changed since the last day with a health
     * snapshot (normally yesterday). `compareWithToday` (previews, on-demand posts) also reports
     * today's undelivered destinations; the scheduled run reports the last run before today's.
     */
    async prepare(today: IsoDate, opts: { compareWithToday: boolean }): Promise<{ snapshot: DigestSnapshot; entries: Map<string, DigestEntry> }> {
      // A digest built before the nightly run wrote today's health snapshot writes it.
      await ensureHealthSnapshot(db, today);
      const asleep = await snoozedOn(db, today);
      const flagged = orderEntries((await entries(await loadFlagged(), today)).filter((e) => e.score !== "GREEN"));
      const list = flagged.filter((e) => !asleep.has(e.id));
      const red = list.filter((e) => e.score === "RED").map((e) => e.id);
      const yellow = list.filter((e) => e.score === "YELLOW").map((e) => e.id);
      const before = await latestSnapshotBefore(db, today);
      const changes = before ? await statusChangesSince(db, before, { until: today }) : null;
      const since: DigestSnapshot["since"] = changes ? { runKey: changes.since, newRed: changes.newRed.map((c) => c.id), recovered: changes.recovered } : null;
      const prev = await previousRunKey(today, opts.compareWithToday);
      const snapshot: DigestSnapshot = {
        today,
        red,
        yellow,
        green: await countGreen(),
        snoozed: flagged.filter((e) => asleep.has(e.id)).map((e) => e.id),
        since,
        undelivered: prev ? await undelivered(prev) : [],
      };
      return { snapshot, entries: new Map(list.map((e) => [e.id, e])) };
    },

    /** Current data for the creators a plan names (deleted ones are absent). */
    async entriesFor(snapshot: DigestSnapshot, today: IsoDate): Promise<Map<string, DigestEntry>> {
      const rows = await loadByIds([...snapshot.red, ...snapshot.yellow]);
      return new Map((await entries(rows, today)).map((e) => [e.id, e]));
    },

    /** `Snooze 3 days` (digest-snooze.ts): out of the digests until the snooze ends. */
    snooze(actor: Actor, creatorId: string, now: Date): Promise<SnoozeResult> {
      return snoozeCreator({ db, health }, actor, creatorId, now);
    },

    /** `Mark contacted`: last contacted today; audited, health recomputed. */
    markContacted(actor: Actor, creatorId: string, today: IsoDate): Promise<ActResult> {
      return act(actor, creatorId, today, today);
    },
  };

  function act(actor: Actor, creatorId: string, today: IsoDate, to: IsoDate): Promise<ActResult> {
    return audited(db, actor, async (tx) => {
      const c = await tx.creator.findUnique({ where: { id: creatorId }, select });
      if (!c) throw notFound("That creator no longer exists.");
      const from = fromDbDate(c.lastContactedDate);
      const changes = diffChanges({ last_contacted_date: from }, { last_contacted_date: to });
      if (from !== to) {
        await tx.creator.update({
          where: { id: creatorId },
          data: { lastContactedDate: toDbDate(to), ...(actor.userId !== null ? { lastUpdatedById: actor.userId } : {}) },
        });
      }
      const h = await health.recompute(tx, creatorId, actor, today);
      return {
        result: { creator: { id: c.id, brandName: c.brandName, creatorName: c.creatorName, score: h.score, reasons: h.reasons }, from, to },
        audit: {
          action: "UPDATE",
          targetModel: "Creator",
          targetId: c.id,
          targetDisplay: displayOf(c),
          changes,
          notes: `digest button: Mark contacted${from === to ? " (already set)" : ""}`,
        },
      };
    });
  }
}
