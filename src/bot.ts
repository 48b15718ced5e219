import { WebClient } from "@slack/web-api";
import { DEV_AUDIT_ANCHOR_KEY, type Config } from "./config.js";
import { createDatabase, pingDb, type Db, type Pool } from "./db.js";
import { listenForChanges } from "./db-notify.js";
import type { Logger } from "./logger.js";
import { createSlackApp, ensureSlash } from "./slack/app.js";
import { Router } from "./slack/router.js";
import { installPipeline } from "./slack/pipeline.js";
import { ackFirst, eventDedupe, resolveActor } from "./slack/middleware.js";
import { createRefusalRecorder } from "./slack/refusals.js";
import { createAuditBatcher } from "./audit/audit-batcher.js";
import { createSlackDirectory } from "./identity/slack-directory.js";
import { createIdentityService } from "./identity/identity-service.js";
import { createActorCache } from "./identity/actor-cache.js";
import { featureSchedules, registerFeatures, startFeatures } from "./features/index.js";
import { createServices, type Services } from "./features/services.js";
import { createHealthService } from "./features/health/health-service.js";
import { MultiFernet, parseFernetKeys } from "./crypto/fernet.js";
import { startSchedules } from "./schedules.js";
import type { FeatureDeps } from "./features/types.js";
import { SlackHttpReceiver, type ExtraRoute } from "./slack/http-receiver.js";
import { auditRoleProblems } from "./audit/app-role.js";
import { parseAnchorKeys } from "./audit/audit-anchor.js";
import { startCheckpoints } from "./audit/audit-checkpoint.js";
import { explainAuthTestFailure } from "./slack/auth-test-failure.js";

export type RunningBot = {
  port: number;
  db: Db;
  pool: Pool;
  router: Router;
  deps: FeatureDeps;
  services: Services;
  stop(): Promise<void>;
};

/** How long GET /healthz waits for the database before answering 503. */
export const HEALTHZ_DEADLINE_MS = 1_000;

export class StartupError extends Error {
  override name = "StartupError";
}

/** Postgres channel the actor triggers notify on (migration 20261204700000_actor_notify). */
const ACTOR_CHANGED = "wl_actor_changed";

/** The composition root: config -> db -> Slack client -> services -> app -> pipeline -> features -> start. */
export async function startBot(
  config: Config,
  logger: Logger,
  opts: { host?: string; clock?: FeatureDeps["clock"]; schedules?: boolean; extraRoutes?: ExtraRoute[] } = {},
): Promise<RunningBot> {
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
    logger.warn("AUDIT_ANCHOR_KEY is unset: audit checkpoints are signed with the PUBLIC development key (DEV_AUDIT_ANCHOR_KEY in src/config.ts); they prove nothing. Production requires a real key.");
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
    throw new StartupError(explainAuthTestFailure(e, config.slack.apiUrl).message);
  }

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
    logger,
    client,
    identity,
    directory,
    health: createHealthService({ db, tz: config.digest.tz }),
    fernet: new MultiFernet(parseFernetKeys(config.encryptionKeys.join(","))),
    clock: opts.clock ?? { now: () => new Date() },
  });
  const services = createServices(deps);

  const router = new Router();
  registerFeatures(router, deps, services);

  const audit = createAuditBatcher({ pool, logger });
  const refusals = createRefusalRecorder({ audit, logger, now: () => deps.clock.now().getTime() });
  const { app, receiver } = createSlackApp({
    config,
    logger,
    bot,
    routes: {
      "GET /healthz": async (_req, res) => {
        // Its own deadline: a hung database must read as unhealthy to a load balancer or
        // orchestrator, whose probes give up after a few seconds, not as a hang.
        const ok = await pingDb(db, HEALTHZ_DEADLINE_MS);
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok }));
      },
    },
    extraRoutes: opts.extraRoutes,
  });
  // Middleware order matters: ack before anything slow, then dedupe events, then the caller.
  app.use(ackFirst);
  app.use(eventDedupe(pool, logger));
  app.use(resolveActor(actors, logger));
  const pipeline = installPipeline(app, { router, logger, audit, refusals });
  app.error(async (e) => {
    logger.error({ err: e }, "unhandled Bolt error");
  });

  await startFeatures(deps, services);
  const schedules = opts.schedules === false ? null : startSchedules(featureSchedules(deps, services), logger);
  // Not a feature schedule: the audit trail's anchor runs whenever the bot serves requests.
  const checkpoints = await startCheckpoints({
    db,
    key: parseAnchorKeys(config.audit.anchorKeys)[0]!,
    intervalMs: config.audit.checkpointIntervalSeconds * 1000,
    clock: deps.clock,
    logger,
  });

  let port = 0;
  if (receiver instanceof SlackHttpReceiver) {
    await receiver.start(config.port, opts.host);
    port = receiver.port;
  } else {
    await app.start();
  }
  logger.info({ port, mode: receiver instanceof SlackHttpReceiver ? "http" : "socket", botUserId: bot.botUserId }, "Wavelaunch bot started");

  let stopped: Promise<void> | undefined;
  return {
    port,
    db,
    pool,
    router,
    deps,
    services,
    // Once, however often it is called (a signal handler and a test harness may both call it).
    stop() {
      stopped ??= (async () => {
        schedules?.stop();
        await app.stop().catch(() => undefined);
        // Requests already acked still get their answer (and its audit row) if they finish in time.
        await pipeline.drain(5_000);
        // Rows still in the batch commit; the suppressed-refusal counts are written.
        await refusals.stop();
        await audit.drain();
        // After in-flight requests: the last rows they audited are anchored before the pool closes.
        await checkpoints.stop();
        await actorFeed.stop();
        await db.$disconnect();
      })();
      return stopped;
    },
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
