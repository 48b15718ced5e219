import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { WebClient } from "@slack/web-api";
import { DEV_AUDIT_ANCHOR_KEY, type Config } from "./config.js";
import { createDatabase, createPool, pingDb, TOOL_STATEMENT_TIMEOUT_MS, type Db, type Pool } from "./db.js";
import { listenForChanges } from "./db-notify.js";
import type { Logger } from "./logger.js";
import { createSlackApp } from "./slack/app.js";
import { meterRateLimits, slackClientOptions } from "./slack/web-client.js";
import { Router } from "./slack/router.js";
import { installPipeline } from "./slack/pipeline/pipeline.js";
import { ackFirst, eventDedupe, resolveActor } from "./slack/middleware.js";
import { createRefusalRecorder } from "./slack/refusals.js";
import { createAuditBatcher } from "./audit/audit-batcher.js";
import { createSlackDirectory } from "./identity/slack-directory.js";
import { createIdentityService } from "./identity/identity-service.js";
import { createActorCache } from "./identity/actor-cache.js";
import { featureJobs, featureSchedules, registerFeatures, startFeatures } from "./features/index.js";
import { createServices, type Services } from "./features/services.js";
import { createHealthService } from "./features/health/health-service.js";
import { MultiFernet, parseFernetKeys } from "./crypto/fernet.js";
import { scheduleJobHandler, startSchedules } from "./schedules.js";
import { todayOf, type FeatureDeps, type Schedule } from "./features/types.js";
import { HOME_TARGET, homeRefresher } from "./features/home/home-refresh.js";
import { SlackHttpReceiver, type ExtraRoute } from "./slack/http-receiver.js";
import { auditRoleProblems } from "./audit/app-role.js";
import { parseAnchorKeys } from "./audit/audit-anchor.js";
import { startCheckpoints } from "./audit/audit-checkpoint.js";
import { explainAuthTestFailure } from "./slack/auth-test-failure.js";
import { createLifecycle, type StopOptions } from "./lifecycle.js";
import { cancelJob, createHoldBatcher, createJobStore, enqueueJob } from "./jobs/jobs-service.js";
import { createJobWorker, type JobWorker, type WorkerOptions } from "./jobs/job-worker.js";
import type { HeldJobs, JobQueue } from "./jobs/job-types.js";
import { createMetrics, type BotMetrics } from "./metrics/metrics.js";
import { requestLabels } from "./metrics/request-labels.js";
import { observeAuditRows } from "./audit/audit-service.js";
import { opsRoutes } from "./ops/ops-routes.js";
import { startOpsServer, type OpsServer } from "./ops/ops-server.js";
import { createLimiter } from "./lib/limiter.js";

export type RunningBot = {
  port: number;
  /** Where /healthz, /readyz and /metrics answer: `port` in HTTP mode, the ops server's in Socket Mode. */
  opsPort: number;
  metrics: BotMetrics;
  db: Db;
  pool: Pool;
  router: Router;
  deps: FeatureDeps;
  services: Services;
  /** This process's job worker (its own pool); `idle()` waits for its running jobs. */
  jobs: JobWorker;
  /** The stop sequence (lifecycle.ts): stop taking requests, finish or hand back work, close. */
  stop(opts?: StopOptions): Promise<void>;
};

export { HEALTHZ_DEADLINE_MS } from "./ops/ops-routes.js";
/** Connections the job worker may hold: background work never takes the request pool's. */
const JOB_POOL_MAX = 4;
/**
 * What a request does before its ack (an indexed lookup, a held job's INSERT) is one short
 * statement each: two connections keep them off the request pool's queue (4 measured no better).
 */
const ACK_POOL_MAX = 2;
/** A statement before an ack that takes longer has already lost (Slack gives up at 3 s). */
const ACK_STATEMENT_TIMEOUT_MS = 1_000;
/** Finished jobs are kept this long for inspection. */
const JOB_RETENTION_DAYS = 7;

export class StartupError extends Error {
  override name = "StartupError";
}

/** Postgres channel the actor triggers notify on (migration 20261204700000_actor_notify). */
const ACTOR_CHANGED = "wl_actor_changed";

/** The composition root: config -> db -> Slack client -> services -> app -> pipeline -> features -> start. */
export async function startBot(
  config: Config,
  logger: Logger,
  opts: {
    host?: string;
    clock?: FeatureDeps["clock"];
    schedules?: boolean;
    extraRoutes?: ExtraRoute[];
    /** Worker timings; `start: false` leaves jobs queued for another process to run. */
    jobs?: WorkerOptions & { start?: boolean };
  } = {},
): Promise<RunningBot> {
  // One Registry per bot: everything below that counts something is handed this.
  const metrics = createMetrics();
  const { db, pool } = createDatabase(config.databaseUrl, { max: config.databasePoolMax });
  if (!(await pingDb(db))) {
    await db.$disconnect();
    throw new StartupError(`cannot reach Postgres at ${redactUrl(config.databaseUrl)}; is it running, and were migrations applied (npm run db:migrate)?`);
  }
  // Requests are served as a role that cannot rewrite history; production refuses any other.
  const roleProblems = await auditRoleProblems((sql, params) => db.$queryRawUnsafe(sql, ...params));
  if (roleProblems.length > 0) {
    const message = `DATABASE_URL's role (${redactUrl(config.databaseUrl)}) could rewrite the audit log: it ${roleProblems.join("; it ")}. Serve requests as the limited app role (README, "Database roles").`;
    if (config.nodeEnv === "production") {
      await db.$disconnect();
      throw new StartupError(message);
    }
    logger.warn(message);
  }
  if (config.audit.anchorKeys[0] === DEV_AUDIT_ANCHOR_KEY) {
    logger.warn(
      "AUDIT_ANCHOR_KEY is unset: audit checkpoints are signed with the PUBLIC development key (DEV_AUDIT_ANCHOR_KEY in src/config.ts); they prove nothing. Production requires a real key.",
    );
  }

  const client = meterRateLimits(new WebClient(config.slack.botToken, slackClientOptions(config.slack.apiUrl, metrics)), metrics);
  let bot: { botId: string; botUserId: string };
  try {
    const auth = await client.auth.test();
    bot = { botId: String(auth.bot_id ?? ""), botUserId: String(auth.user_id ?? "") };
  } catch (e) {
    await db.$disconnect();
    throw new StartupError(explainAuthTestFailure(e, config.slack.apiUrl).message);
  }

  const lifecycle = createLifecycle(logger);
  // One per process: the owner of its job claims, and the origin of the jobs it enqueues.
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`.slice(-100);
  const jobsDb = createDatabase(config.databaseUrl, { max: JOB_POOL_MAX, statementTimeoutMs: TOOL_STATEMENT_TIMEOUT_MS });
  const ackPool = createPool(config.databaseUrl, { max: ACK_POOL_MAX, statementTimeoutMs: ACK_STATEMENT_TIMEOUT_MS });
  metrics.observePool("requests", pool);
  metrics.observePool("ack", ackPool);
  metrics.observePool("jobs", jobsDb.pool);
  for (const d of [db, jobsDb.db]) observeAuditRows(d, (rows) => metrics.auditRows("audited", rows));
  const jobs: JobQueue = Object.freeze({ enqueue: (tx, spec) => enqueueJob(tx, spec, owner), cancel: cancelJob });
  // Held before an ack on the ack pool (one INSERT for all the holds waiting: a group commit),
  // settled after it on the request pool, heartbeated by the worker meanwhile.
  const settle = createJobStore(db);
  const kept = new Set<string>();
  // The creates of held jobs finished here after their acks take turns, as many at once as the
  // request pool has connections (each needs one). Without a limit, every submission in flight
  // interleaves its create with the others on the event loop, and the next form's ack (its one
  // INSERT) waits behind all of them: measured at c=10, ack p99 55-60 ms unlimited vs 23-34 ms
  // with 1-2 at a time. A waiting job is already stored and heartbeated (kept).
  const finishing = createLimiter(config.databasePoolMax);
  const holds = createHoldBatcher(ackPool, owner);
  const heldJobs: HeldJobs = Object.freeze({
    hold: holds.hold,
    keep: async (job, work) => {
      kept.add(job.lease);
      try {
        return await work();
      } finally {
        kept.delete(job.lease);
      }
    },
    inTurn: (work) => finishing.run(work),
    complete: (job) => settle.complete(job),
    retryLater: async (job, error) => void (await settle.fail(job, error, { permanent: false })),
  });

  const directory = createSlackDirectory(client);
  const identity = createIdentityService({ db, pool, directory, bootstrapAdmins: config.adminSlackUserIds });
  const actors = createActorCache({ resolve: (id, team) => identity.resolve(id, team) });
  const actorFeed = listenForChanges({
    databaseUrl: config.databaseUrl,
    channel: ACTOR_CHANGED,
    onChange: () => actors.invalidate(),
    onLive: (live) => actors.setLive(live),
    logger,
  });
  const deps: FeatureDeps = Object.freeze({
    config,
    db,
    pool,
    ackPool,
    logger,
    client,
    identity,
    directory,
    health: createHealthService({ db, pool, tz: config.digest.tz }),
    fernet: new MultiFernet(parseFernetKeys(config.encryptionKeys.join(","))),
    clock: opts.clock ?? { now: () => new Date() },
    jobs,
    heldJobs,
    lifecycle,
    metrics,
  });
  const services = createServices(deps);
  // Jobs run over the worker's pool (and long statements may take longer there); everything
  // else about them is the same, with their own services over that pool.
  const jobDeps: FeatureDeps = Object.freeze({
    ...deps,
    db: jobsDb.db,
    pool: jobsDb.pool,
    health: createHealthService({ ...jobsDb, tz: config.digest.tz }),
  });
  const jobServices = createServices(jobDeps);
  const store = createJobStore(jobsDb.db);
  const schedules: Schedule[] = [
    ...featureSchedules(jobDeps, jobServices),
    { name: "jobs-prune", cron: "17 3 * * *", tz: "UTC", run: async () => void (await store.prune(JOB_RETENTION_DAYS)) },
  ];
  const worker = createJobWorker({
    store,
    handlers: [...featureJobs(jobDeps, jobServices), scheduleJobHandler(schedules)],
    owner,
    logger,
    metrics,
    kept,
    ...opts.jobs,
  });

  const router = new Router();
  registerFeatures(router, deps, services);

  const audit = createAuditBatcher({ pool, logger, metrics });
  const refusals = createRefusalRecorder({ audit, logger, now: () => deps.clock.now().getTime() });
  const ops = opsRoutes({ ping: (ms) => pingDb(db, ms), lifecycle, metrics, metricsToken: config.ops.metricsToken });
  const { app, receiver } = createSlackApp({
    config,
    logger,
    metrics,
    labelsOf: (body) => requestLabels(body, router),
    bot,
    routes: ops,
    extraRoutes: opts.extraRoutes,
  });
  // Middleware order matters: a stop waits for every request; ack before anything slow; then
  // dedupe events; then the caller.
  app.use(async ({ next }) => {
    await lifecycle.track(next());
  });
  app.use(ackFirst);
  app.use(eventDedupe(pool, logger));
  app.use(resolveActor(actors, logger));
  // A form opened from the App Home answers by refreshing it (its VIEW row written first).
  const refreshHome = homeRefresher({
    home: services.home,
    now: () => deps.clock.now(),
    today: () => todayOf(deps),
    record: (actor, shown) => audit.record(actor, { action: "VIEW", ...HOME_TARGET, notes: shown }),
  });
  installPipeline(app, { router, logger, audit, refusals, places: services.places, refreshHome, metrics });
  app.error(async (e) => {
    logger.error({ err: e }, "unhandled Bolt error");
  });

  await startFeatures(deps, services);
  const cron = opts.schedules === false ? null : startSchedules(schedules, { db, jobs, logger });
  // Not a feature schedule: the audit trail's anchor runs whenever the bot serves requests.
  const checkpoints = await startCheckpoints({
    db,
    key: parseAnchorKeys(config.audit.anchorKeys)[0]!,
    intervalMs: config.audit.checkpointIntervalSeconds * 1000,
    clock: deps.clock,
    logger,
  });

  let port = 0;
  let opsServer: OpsServer | null = null;
  try {
    if (receiver instanceof SlackHttpReceiver) {
      await receiver.start(config.port, opts.host);
      port = receiver.port;
    } else {
      // Socket Mode listens on no port of its own: the probes and the scrape get one here.
      opsServer = await startOpsServer({ routes: ops, port: config.ops.port, host: opts.host, logger });
      await app.start();
    }
  } catch (e) {
    await opsServer?.stop();
    // A port already taken: nothing else may keep this process alive.
    cron?.stop();
    await Promise.all([db.$disconnect(), jobsDb.db.$disconnect(), ackPool.end()]);
    throw e;
  }
  if (opts.jobs?.start !== false) worker.start();
  logger.info(
    { port, opsPort: opsServer?.port ?? port, mode: receiver instanceof SlackHttpReceiver ? "http" : "socket", botUserId: bot.botUserId },
    "Wavelaunch bot started",
  );

  lifecycle.onDrain("intake", "cron", () => cron?.stop());
  lifecycle.onDrain("requests", "slack receiver", async () => {
    await app.stop().catch((e: unknown) => logger.warn({ err: e }, "stopping the Slack receiver failed"));
  });
  // A stopping replica deletes its pending reveals now (early, never late), then hands back the rest.
  lifecycle.onDrain("work", "job worker", async (deadline) => {
    const early = await worker.runEarly(owner, deadline);
    if (early) logger.info({ jobs: early }, "ran this replica's pending reveal deletions early");
    await worker.drain(deadline);
  });
  // Rows still in the batch commit; the suppressed-refusal counts are written; the last rows
  // are anchored; then the change feed and the pools close.
  lifecycle.onDrain("flush", "audit", async () => {
    await refusals.stop();
    await audit.drain();
    await checkpoints.stop();
  });
  lifecycle.onDrain("close", "databases", async () => {
    await actorFeed.stop();
    await holds.drain(); // a request cut off by the grace period may still have its hold queued
    await Promise.all([db.$disconnect(), jobsDb.db.$disconnect(), ackPool.end()]);
  });
  // Last: liveness and the final scrape answer for the whole stop.
  lifecycle.onDrain("close", "ops server", async () => {
    await opsServer?.stop();
  });

  return {
    port,
    opsPort: opsServer?.port ?? port,
    metrics,
    db,
    pool,
    router,
    deps,
    services,
    jobs: worker,
    stop: (stopOpts?: StopOptions) => lifecycle.stop(stopOpts),
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
