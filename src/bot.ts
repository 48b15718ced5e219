import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { WebClient } from "@slack/web-api";
import type { Config } from "./config.js";
import { createDatabase, pingDb, type Db } from "./db.js";
import type { Logger } from "./logger.js";
import { createSlackApp, ensureSlash } from "./slack/app.js";
import { Router } from "./slack/router.js";
import { actorMiddleware, eventDedupeMiddleware } from "./slack/middleware.js";
import { createRefusalRecorder } from "./slack/refusals.js";
import { createSlackDirectory } from "./identity/slack-directory.js";
import { createIdentityService } from "./identity/identity-service.js";
import { featureJobs, featureSchedules, registerFeatures, startFeatures } from "./features/index.js";
import { createHealthService } from "./features/health/health-service.js";
import { MultiFernet, parseFernetKeys } from "./crypto/fernet.js";
import { scheduleJobHandler, startSchedules } from "./schedules.js";
import type { FeatureDeps, Schedule } from "./features/types.js";
import { SlackHttpReceiver, type ExtraRoute } from "./slack/http-receiver.js";
import { createLifecycle, type StopOptions } from "./lifecycle.js";
import { cancelJob, createJobStore, enqueueJob } from "./jobs/jobs-service.js";
import { createJobWorker, type JobWorker, type WorkerOptions } from "./jobs/job-worker.js";
import type { JobQueue } from "./jobs/job-types.js";

export type RunningBot = {
  port: number;
  db: Db;
  router: Router;
  deps: FeatureDeps;
  /** This process's job worker (its own pool); `idle()` waits for its running jobs. */
  jobs: JobWorker;
  /** The stop sequence (lifecycle.ts): stop taking requests, finish or hand back work, close. */
  stop(opts?: StopOptions): Promise<void>;
};

/** Connections the job worker may hold: background work never takes the request pool's. */
const JOB_POOL_MAX = 4;
/** Finished jobs are kept this long for inspection. */
const JOB_RETENTION_DAYS = 7;

export class StartupError extends Error {
  override name = "StartupError";
}

/** The composition root: config -> db -> Slack client -> services -> app -> features -> start. */
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
  const { db, pool } = createDatabase(config.databaseUrl);
  if (!(await pingDb(db))) {
    await db.$disconnect();
    throw new StartupError(`cannot reach Postgres at ${redactUrl(config.databaseUrl)}; is it running, and were migrations applied (npm run db:migrate)?`);
  }

  const client = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: ensureSlash(config.slack.apiUrl) } : {}),
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
  });
  let bot: { botId: string; botUserId: string };
  try {
    const auth = await client.auth.test();
    bot = { botId: String(auth.bot_id ?? ""), botUserId: String(auth.user_id ?? "") };
  } catch (e) {
    await db.$disconnect();
    throw new StartupError(`Slack rejected SLACK_BOT_TOKEN (auth.test: ${(e as Error).message}). Check the token and SLACK_API_URL.`);
  }

  const lifecycle = createLifecycle(logger);
  // One per process: the owner of its job claims, and the origin of the jobs it enqueues.
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`.slice(-100);
  const jobsDb = createDatabase(config.databaseUrl, { max: JOB_POOL_MAX });
  const jobs: JobQueue = Object.freeze({ enqueue: (tx, spec) => enqueueJob(tx, spec, owner), cancel: cancelJob });

  const directory = createSlackDirectory(client);
  const identity = createIdentityService({ db, directory, bootstrapAdmins: config.adminSlackUserIds });
  const deps: FeatureDeps = Object.freeze({
    config,
    db,
    pool,
    logger,
    client,
    identity,
    directory,
    health: createHealthService({ db, tz: config.digest.tz }),
    fernet: new MultiFernet(parseFernetKeys(config.encryptionKeys.join(","))),
    clock: opts.clock ?? { now: () => new Date() },
    jobs,
    lifecycle,
  });
  // Jobs run over the worker's pool; everything else about them is the same.
  const jobDeps: FeatureDeps = Object.freeze({ ...deps, db: jobsDb.db, pool: jobsDb.pool });
  const store = createJobStore(jobsDb.db);
  const schedules: Schedule[] = [
    ...featureSchedules(jobDeps),
    { name: "jobs-prune", cron: "17 3 * * *", tz: "UTC", run: async () => void (await store.prune(JOB_RETENTION_DAYS)) },
  ];
  const worker = createJobWorker({ store, handlers: [...featureJobs(jobDeps), scheduleJobHandler(schedules)], owner, logger, ...opts.jobs });

  const router = new Router({ logger, refusals: createRefusalRecorder(db) });
  registerFeatures(router, deps);

  const { app, receiver } = createSlackApp({
    config,
    logger,
    bot,
    routes: {
      "GET /healthz": async (_req, res) => {
        const ok = await pingDb(db);
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok }));
      },
      // Liveness stays /healthz; readiness turns 503 the moment a stop begins, so the load
      // balancer sends new requests to the other replicas while this one drains.
      "GET /readyz": async (_req, res) => {
        const ready = lifecycle.ready && (await pingDb(db));
        res.writeHead(ready ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: ready, stopping: !lifecycle.ready }));
      },
    },
    extraRoutes: opts.extraRoutes,
  });
  // First: every request is in flight until its handler is done; a stop waits for them.
  app.use(async ({ next }) => {
    await lifecycle.track(next());
  });
  app.use(eventDedupeMiddleware(db, logger));
  app.use(actorMiddleware(identity, logger));
  router.install(app);
  app.error(async (e) => {
    logger.error({ err: e }, "unhandled Bolt error");
  });

  await startFeatures(deps);
  const cron = opts.schedules === false ? null : startSchedules(schedules, { db, jobs, logger });

  let port = 0;
  try {
    if (receiver instanceof SlackHttpReceiver) {
      await receiver.start(config.port, opts.host);
      port = receiver.port;
    } else {
      await app.start();
    }
  } catch (e) {
    // A port already taken: nothing else may keep this process alive.
    cron?.stop();
    await Promise.all([db.$disconnect(), jobsDb.db.$disconnect()]);
    throw e;
  }
  if (opts.jobs?.start !== false) worker.start();
  logger.info({ port, mode: receiver instanceof SlackHttpReceiver ? "http" : "socket", botUserId: bot.botUserId }, "Wavelaunch bot started");

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
  lifecycle.onDrain("close", "databases", async () => {
    await Promise.all([db.$disconnect(), jobsDb.db.$disconnect()]);
  });

  return {
    port,
    db,
    router,
    deps,
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
