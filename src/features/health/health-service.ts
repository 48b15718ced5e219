import pg from "pg";
import { inPoolTransaction, type Db, type DbOrTx, type Pool, type Tx } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import { writeAudit } from "../../audit/audit-service.js";
import { notFound } from "../../errors.js";
import { fromDbDate, type IsoDate } from "../../lib/dates.js";
import { displayOf } from "../creators/creator-fns.js";
import { creatorsWithSummary, LOCK_MOVED_SQL, WRITE_MOVED_SQL } from "./health-sql.js";
import { computeHealth, type Health, type HealthInput, type HealthScore, type MilestoneSummary } from "./health-fns.js";

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

/** The creator columns health scoring reads, as a Prisma select: exactly a CreatorHealthRow. */
export const HEALTH_SELECT = {
  id: true,
  brandName: true,
  creatorName: true,
  journeyStatus: true,
  isActive: true,
  healthScore: true,
  lastContactedDate: true,
  nextFollowUpDate: true,
  createdAt: true,
  lastStatusChange: true,
} as const satisfies Record<keyof CreatorHealthRow, true>;

export type RecomputeAllResult = {
  scanned: number;
  changed: number;
  byScore: Record<HealthScore, number>;
  /**
   * Moved scores not written: the creator was held by a request through both passes (that
   * request recomputes it before it commits) or kept changing under the run. The next run
   * picks them up.
   */
  skipped: number;
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

/**
 * The key of the advisory lock the audit-chain trigger takes for every audit insert
 * (prisma/migrations/20261127060000_audit_chain). The nightly writer takes it explicitly, under a
 * lock_timeout, before its audit insert: while it holds creator rows its wait for the chain is
 * bounded, so a request that holds the chain and wants one of those rows is delayed, never
 * deadlocked. test/integration/health-nightly.test.ts checks the key against the trigger's source.
 */
export const AUDIT_CHAIN_LOCK_KEY = 2003591541;

/** Creators read per query by recomputeAll: big enough to amortise round trips, small enough for memory. */
export const RECOMPUTE_BATCH = 5_000;

/** Moved scores written per transaction: short holds of the audit chain lock. */
export const WRITE_CHUNK = 1_000;
/** Write transactions at a time: one updating creators while the other writes its audit rows. */
export const WRITE_LANES = 2;
/** Longest wait for the audit chain (below Postgres's 1 s deadlock_timeout), and tries per chunk. */
const CHAIN_WAIT_MS = 500;
const CHAIN_ATTEMPTS = 5;

/** lock_not_available: the chunk's wait for the audit chain outlasted its lock_timeout. */
const isLockTimeout = (e: unknown): boolean => e instanceof pg.DatabaseError && e.code === "55P03";

const CHUNK_SETTINGS_SQL = "SELECT set_config('synchronous_commit', 'off', true), set_config('lock_timeout', $1, true)";

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

/** A score that moved, with the inputs it was computed from (the write re-checks them). */
type Moved = { id: string; xmin: string; overdueCount: number; oldestOverdue: IsoDate | null; from: string; to: HealthScore; notes: string };

/** A creator with its overdue-milestone summary, dates already as IsoDate strings. */
type ScoredRow = {
  id: string;
  /** The row version read: the write checks it is still the current one. */
  xmin: string;
  journeyStatus: string;
  isActive: boolean;
  healthScore: string;
  lastContactedDate: IsoDate | null;
  nextFollowUpDate: IsoDate | null;
  /** Instants as epoch milliseconds: a number parses at a fraction of a timestamp's cost. */
  createdAtMs: number;
  lastStatusChangeMs: number;
  overdueCount: number;
  oldestOverdue: IsoDate | null;
};

function inputOf(r: ScoredRow): HealthInput {
  return {
    journeyStatus: r.journeyStatus,
    isActive: r.isActive,
    lastContactedDate: r.lastContactedDate,
    nextFollowUpDate: r.nextFollowUpDate,
    createdAt: new Date(r.createdAtMs),
    lastStatusChange: new Date(r.lastStatusChangeMs),
    milestones: { overdueCount: r.overdueCount, oldestOverdueTarget: r.oldestOverdue },
  };
}

const reasonsNote = (h: Health) => h.reasons.join("; ") || "no concerns";

export function createHealthService(deps: { db: Db; pool: Pool; tz: string }) {
  const { db, pool, tz } = deps;

  /** Overdue-milestone summaries for many creators in one query. */
  async function summaries(tx: DbOrTx, creatorIds: readonly string[], today: IsoDate): Promise<Map<string, MilestoneSummary>> {
    const out = new Map<string, MilestoneSummary>();
    if (creatorIds.length === 0) return out;
    // Dates go in as their text ("YYYY-MM-DD"), so no time zone can shift them.
    const rows = await tx.$queryRaw<{ creator_id: string; n: number; oldest: string }[]>`
      SELECT creator_id::text AS creator_id, count(*)::int AS n, to_char(min(target_date), 'YYYY-MM-DD') AS oldest
        FROM studio_crm_milestone
       WHERE creator_id = ANY(${creatorIds}::uuid[]) AND is_completed = false AND target_date < ${today}::date
       GROUP BY creator_id`;
    for (const r of rows) out.set(r.creator_id, { overdueCount: r.n, oldestOverdueTarget: r.oldest });
    return out;
  }

  const none: MilestoneSummary = { overdueCount: 0, oldestOverdueTarget: null };

  /**
   * Writes the scores that moved, for rows that are exactly as they were read. The first read
   * was lock-free, so a request may have changed a creator since. So: lock the rows, skipping any
   * a request holds (that request recomputes them itself before it commits); then, in a fresh
   * statement that sees everything committed before the locks were taken, update only rows
   * whose version (xmin) and overdue-milestone summary still match what was scored and, in the
   * same statement once all are updated, write one audit row per updated row (the first takes
   * the audit chain). The rest are handed back to be read and scored again.
   *
   * The chain is taken last so two lanes overlap (one updating while the other writes audit
   * rows), and with a lock_timeout shorter than Postgres's deadlock_timeout: a request that
   * holds the chain and waits for one of these rows is never deadlocked, only delayed; this
   * chunk rolls back and is retried.
   */
  async function writeMoved(moved: readonly Moved[], actor: Actor, today: IsoDate): Promise<Set<string>> {
    for (let attempt = 1; ; attempt++) {
      try {
        // On node-postgres, not Prisma: a chunk is a few big statements, and Prisma's interactive
        // transaction cost the run a third of its Node CPU (2.2 against 1.4 s at 100,000 creators).
        return await inPoolTransaction(pool, async (client) => {
          // No fsync wait per chunk: a crash can lose only the last moments of recomputed scores
          // (score and audit row together, never one without the other), which the next run
          // recomputes; the job's done-mark commits synchronously and so flushes all before it.
          await client.query({ text: CHUNK_SETTINGS_SQL, values: [String(CHAIN_WAIT_MS)] });
          // Ids go in and come back as one text value each, and the chunk as one JSON value: one
          // parameter to encode, one value to decode, whatever the chunk's size.
          const lock = await client.query<{ ids: string | null }>({
            name: "wl_health_lock_moved",
            text: LOCK_MOVED_SQL,
            values: [moved.map((m) => m.id).join(",")],
          });
          const locked = lock.rows[0]?.ids;
          if (!locked) return new Set<string>();
          const mine = new Set(locked.split(","));
          const go = moved
            .filter((m) => mine.has(m.id))
            .map((m) => ({ id: m.id, xmin: m.xmin, n: m.overdueCount, oldest: m.oldestOverdue, prev: m.from, score: m.to, notes: m.notes }));
          const written = await client.query<{ ids: string | null }>({
            name: "wl_health_write_moved",
            text: WRITE_MOVED_SQL,
            values: [JSON.stringify(go), today, actor.userId, actor.email, actor.slackUserId, actor.slackTeamId],
          });
          const ids = written.rows[0]?.ids;
          return new Set(ids ? ids.split(",") : []);
        });
      } catch (e) {
        // lock_not_available: we waited too long for the chain. Everything rolled back; again.
        if (attempt >= CHAIN_ATTEMPTS || !isLockTimeout(e)) {
          if (isLockTimeout(e)) return new Set<string>(); // handed back as missed
          throw e;
        }
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80 * attempt));
      }
    }
  }

  // Lock-free reads of up to RECOMPUTE_BATCH rows, on the pool under Prisma: node-postgres hands
  // back plain rows, where Prisma's raw query decodes every value of 100,000 rows once more.
  const readBatch = async (today: IsoDate, where: string, ...params: unknown[]): Promise<ScoredRow[]> =>
    (await pool.query<ScoredRow>(creatorsWithSummary(where), [today, ...params])).rows;

  /** Scores rows, counts them, and returns those whose score moved. */
  function scoreRows(rows: readonly ScoredRow[], today: IsoDate, byScore?: Record<HealthScore, number>): Moved[] {
    const moved: Moved[] = [];
    for (const r of rows) {
      const h = computeHealth(inputOf(r), today, tz);
      if (byScore) byScore[h.score]++;
      if (h.score !== r.healthScore) {
        moved.push({
          id: r.id,
          xmin: r.xmin,
          overdueCount: r.overdueCount,
          oldestOverdue: r.oldestOverdue,
          from: r.healthScore,
          to: h.score,
          notes: `nightly recompute: ${reasonsNote(h)}`,
        });
      }
    }
    return moved;
  }

  /**
   * Writes moved scores in chunks of WRITE_CHUNK (short holds of the audit chain, which every
   * request's audit row waits for), WRITE_LANES transactions at a time. `add` waits for a free
   * lane, so at most a few chunks are ever in memory; `drain` waits for the rest.
   */
  function writer(actor: Actor, today: IsoDate) {
    let changed = 0;
    const missed: string[] = [];
    const running = new Set<Promise<void>>();
    let failure: unknown = null;
    return {
      async add(moved: readonly Moved[]): Promise<void> {
        for (let i = 0; i < moved.length; i += WRITE_CHUNK) {
          while (running.size >= WRITE_LANES) await Promise.race(running);
          if (failure) throw failure;
          const chunk = moved.slice(i, i + WRITE_CHUNK);
          const p: Promise<void> = writeMoved(chunk, actor, today)
            .then(
              (written) => {
                changed += written.size;
                for (const m of chunk) if (!written.has(m.id)) missed.push(m.id);
              },
              (e: unknown) => {
                failure ??= e;
              },
            )
            .finally(() => running.delete(p));
          running.add(p);
        }
      },
      async drain(): Promise<{ changed: number; missed: string[] }> {
        await Promise.all(running);
        if (failure) throw failure;
        return { changed, missed };
      },
    };
  }

  return {
    tz,

    /** Health with reasons for creators already loaded (card, list, Home, digests). */
    async healthFor(rows: readonly CreatorHealthRow[], today: IsoDate, tx: DbOrTx = db): Promise<Map<string, Health>> {
      const s = await summaries(
        tx,
        rows.map((r) => r.id),
        today,
      );
      return new Map(rows.map((r) => [r.id, computeHealth(toHealthInput(r, s.get(r.id) ?? none), today, tz)]));
    },

    /**
     * Recomputes one creator inside the caller's transaction, after any change that can move
     * the score. The creator row is locked first, so two requests (or a request and the nightly
     * run) recomputing the same creator take turns and the second sees the first's score. A
     * change of score is audited under the same actor, with the reasons in notes.
     */
    async recompute(tx: Tx, creatorId: string, actor: Actor, today: IsoDate): Promise<Health & { changed: boolean }> {
      // Lock, then read in a new statement: after waiting for a lock, a read in the same
      // statement would still see milestones as they were before the holder committed.
      await tx.$queryRaw`SELECT 1 AS locked FROM studio_crm_creator WHERE id = ${creatorId}::uuid FOR NO KEY UPDATE`;
      const [c] = await tx.$queryRawUnsafe<(ScoredRow & { brandName: string; creatorName: string })[]>(
        creatorsWithSummary("WHERE c.id = $2::uuid", `c.brand_name AS "brandName", c.creator_name AS "creatorName",`),
        today,
        creatorId,
      );
      if (!c) throw notFound("That creator no longer exists.");
      const health = computeHealth(inputOf(c), today, tz);
      if (health.score === c.healthScore) return { ...health, changed: false };
      await tx.$executeRaw`UPDATE studio_crm_creator SET health_score = ${health.score} WHERE id = ${creatorId}::uuid`;
      await writeAudit(tx, actor, {
        action: "UPDATE",
        targetModel: "Creator",
        targetId: creatorId,
        targetDisplay: displayOf(c),
        changes: { health_score: { from: c.healthScore, to: health.score } },
        notes: reasonsNote(health),
      });
      return { ...health, changed: true };
    },

    /**
     * Every creator, for the passage of time (nightly). Keyset-paged lock-free reads with the
     * milestone summaries aggregated in SQL; only creators whose score moved are written, each
     * batch with its audit rows in one transaction.
     */
    async recomputeAll(actor: Actor, today: IsoDate): Promise<RecomputeAllResult> {
      let scanned = 0;
      const byScore: Record<HealthScore, number> = { GREEN: 0, YELLOW: 0, RED: 0 };
      const page = (after: string): Promise<ScoredRow[]> => {
        // The no-op catch keeps a failure that lands while a batch is being written from counting
        // as unhandled (it still throws where the page is awaited).
        const p = readBatch(today, "WHERE c.id > $2::uuid ORDER BY c.id LIMIT $3", after, RECOMPUTE_BATCH);
        p.catch(() => undefined);
        return p;
      };
      const w = writer(actor, today);
      try {
        let next = page(ZERO_UUID);
        for (;;) {
          const rows = await next;
          if (rows.length === 0) break;
          // The next page is read while this one is written.
          next = rows.length < RECOMPUTE_BATCH ? Promise.resolve([]) : page(rows[rows.length - 1]!.id);
          scanned += rows.length;
          await w.add(scoreRows(rows, today, byScore));
        }
      } catch (e) {
        await w.drain().catch(() => undefined); // no lane left running behind the error
        throw e;
      }
      const first = await w.drain();
      let changed = first.changed;
      let missed = first.missed;
      // Rows a request held or changed meanwhile: read and score them again, once.
      if (missed.length > 0) {
        const again = writer(actor, today);
        await again.add(scoreRows(await readBatch(today, "WHERE c.id = ANY($2::uuid[])", missed), today));
        const r = await again.drain();
        changed += r.changed;
        missed = r.missed;
      }
      return { scanned, changed, byScore, skipped: missed.length };
    },
  };
}
