import type { Db } from "../../db.js";
import type { Logger } from "../../logger.js";
import { SYSTEM_ACTOR } from "../../identity/actor.js";
import { dateInTz, type IsoDate } from "../../lib/dates.js";
import type { HealthService } from "../health/health-service.js";
import { writeHealthSnapshot } from "./health-snapshot.js";

// The nightly health recompute, once per day however many replicas fire it. Every replica's
// cron fires; the day's row in wl_job_run decides which one works. All timestamps here
// (claimed_at, completed_at, "claimed long ago") come from the database's clock, so replicas
// whose clocks disagree still agree on who holds the claim.

export const HEALTH_JOB = "health-nightly";
/** A claim still "running" after this long is taken to be a crashed run, and may be taken over. */
export const STALE_CLAIM_MINUTES = 30;
/** A day's run is attempted at most this often (a bug that crashes every run must not loop). */
export const MAX_ATTEMPTS = 3;

export type NightlyDeps = {
  db: Db;
  health: Pick<HealthService, "recomputeAll" | "tz">;
  logger?: Pick<Logger, "info" | "warn" | "error">;
};

export type NightlyResult = { ran: boolean; scanned: number; changed: number };

type Claim = { id: string; attempts: number };

/** The day a firing is for: its calendar date in the studio's time zone (DIGEST_TZ). */
export function runKeyOf(firedAt: Date, tz: string): IsoDate {
  return dateInTz(firedAt, tz);
}

/**
 * Claims today's run: a fresh claim by one INSERT … ON CONFLICT DO NOTHING, else a takeover of
 * a crashed or failed attempt by one conditional UPDATE. Either way the row count decides, so
 * of several replicas firing at once exactly one gets a row back.
 */
export async function claimNightly(db: Db, runKey: string): Promise<Claim | null> {
  const [fresh] = await db.$queryRaw<Claim[]>`
    INSERT INTO wl_job_run (id, job, run_key, destination, status, claimed_at, attempts)
    VALUES (gen_random_uuid(), ${HEALTH_JOB}, ${runKey}, '', 'running', now(), 1)
    ON CONFLICT (job, run_key, destination) DO NOTHING
    RETURNING id::text AS id, attempts`;
  if (fresh) return fresh;
  const [taken] = await db.$queryRaw<Claim[]>`
    UPDATE wl_job_run
       SET status = 'running', claimed_at = now(), completed_at = NULL, error = NULL, attempts = attempts + 1
     WHERE job = ${HEALTH_JOB} AND run_key = ${runKey} AND destination = ''
       AND attempts < ${MAX_ATTEMPTS}
       AND (status = 'failed' OR (status = 'running' AND claimed_at < now() - make_interval(mins => ${STALE_CLAIM_MINUTES})))
    RETURNING id::text AS id, attempts`;
  return taken ?? null;
}

/**
 * Marks the claim finished. Fenced by `attempts`: a run that was presumed crashed and taken
 * over, but then finishes after all, does not overwrite its successor's record.
 */
async function finish(db: Db, claim: Claim, status: "done" | "failed", detail: object, error: string | null): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE wl_job_run SET status = ${status}, completed_at = now(), detail = ${JSON.stringify(detail)}::jsonb, error = ${error}
     WHERE id = ${claim.id}::uuid AND attempts = ${claim.attempts} AND status = 'running'`;
  return n === 1;
}

/**
 * Recomputes every creator's health for the day `firedAt` falls on, if no other replica has
 * (or is). The digest run calls this first, so a digest never goes out on yesterday's scores.
 */
export async function runNightlyHealth(deps: NightlyDeps, firedAt: Date): Promise<NightlyResult> {
  const { db, health, logger } = deps;
  const runKey = runKeyOf(firedAt, health.tz);
  const claim = await claimNightly(db, runKey);
  if (!claim) {
    logger?.info({ job: HEALTH_JOB, runKey }, "nightly health recompute already claimed; nothing to do");
    return { ran: false, scanned: 0, changed: 0 };
  }
  const started = performance.now();
  try {
    const r = await health.recomputeAll(SYSTEM_ACTOR, runKey);
    // The day's scores as recomputed: what tomorrow's "since yesterday" and the trend read.
    const snapshot = await writeHealthSnapshot(db, runKey, { overwrite: true });
    const detail = { ...r, snapshot, attempts: claim.attempts, ms: Math.round(performance.now() - started) };
    if (!(await finish(db, claim, "done", detail, null))) {
      logger?.warn({ job: HEALTH_JOB, runKey }, "nightly health run finished after its claim was taken over");
    }
    logger?.info({ job: HEALTH_JOB, runKey, ...detail }, "nightly health recompute done");
    return { ran: true, scanned: r.scanned, changed: r.changed };
  } catch (e) {
    const message = (e as Error).message?.slice(0, 500) ?? "unknown error";
    await finish(db, claim, "failed", { attempts: claim.attempts }, message).catch(() => undefined);
    throw e;
  }
}
