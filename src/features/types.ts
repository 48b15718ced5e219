import type { WebClient } from "@slack/web-api";
import type { Config } from "../config.js";
import type { Db, Pool } from "../db.js";
import type { Logger } from "../logger.js";
import type { IdentityService } from "../identity/identity-service.js";
import type { SlackDirectory } from "../identity/slack-directory.js";
import type { HealthService } from "./health/health-service.js";
import type { MultiFernet } from "../crypto/fernet.js";
import type { HeldJobs, JobQueue } from "../jobs/job-types.js";
import type { Lifecycle } from "../lifecycle.js";
import type { BotMetrics } from "../metrics/metrics.js";
import { dateInTz } from "../lib/dates.js";

/** What the composition root hands every feature's register(). */
export type FeatureDeps = Readonly<{
  config: Config;
  db: Db;
  /** The pg.Pool under `db`: hot reads only (actor, find, list, card), with named prepared statements. */
  pool: Pool;
  /**
   * A small pool of its own for the few statements a request makes before its ack (the New
   * creator form's duplicate check and held job), so they never queue behind other requests' work.
   */
  ackPool: Pool;
  logger: Logger;
  client: WebClient;
  identity: IdentityService;
  directory: SlackDirectory;
  health: HealthService;
  fernet: MultiFernet;
  /** "Now" comes from here so tests and jobs can move time. */
  clock: Clock;
  /** Durable work for later or for any replica: enqueue inside the transaction that promises it. */
  jobs: JobQueue;
  /** Work promised in an ack and started at once by this process, stored before the ack. */
  heldJobs: HeldJobs;
  /** Joins the stop sequence (flush a buffer, finish a step) within the grace period. */
  lifecycle: Pick<Lifecycle, "onDrain">;
  /** This bot's Prometheus metrics (one Registry per bot). */
  metrics: BotMetrics;
}>;

export type Clock = { now(): Date };

/** A cron job: `run` gets the fire time; node-cron calls it at `cron` in `tz`. */
export type Schedule = {
  name: string;
  cron: string;
  tz: string;
  run(firedAt: Date): Promise<void>;
  /**
   * Run on every replica's own clock instead of once per slot through the queue: only for a
   * `run` that is itself a conditional enqueue (once-only by its own keys), so a per-minute
   * tick does not leave a job row behind each minute.
   */
  everyReplica?: boolean;
};

/** Today's calendar date in the studio's time zone (DIGEST_TZ). */
export function todayOf(deps: Pick<FeatureDeps, "clock" | "config">): string {
  return dateInTz(deps.clock.now(), deps.config.digest.tz);
}
