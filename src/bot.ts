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
import { featureSchedules, registerFeatures, startFeatures } from "./features/index.js";
import { createHealthService } from "./features/health/health-service.js";
import { MultiFernet, parseFernetKeys } from "./crypto/fernet.js";
import { startSchedules } from "./schedules.js";
import type { FeatureDeps } from "./features/types.js";
import { SlackHttpReceiver, type ExtraRoute } from "./slack/http-receiver.js";
import { explainAuthTestFailure } from "./slack/auth-test-failure.js";

export type RunningBot = {
  port: number;
  db: Db;
  router: Router;
  deps: FeatureDeps;
  stop(): Promise<void>;
};

/** How long GET /healthz waits for the database before answering 503. */
export const HEALTHZ_DEADLINE_MS = 1_000;

export class StartupError extends Error {
  override name = "StartupError";
}

/** The composition root: config -> db -> Slack client -> services -> app -> features -> start. */
export async function startBot(
  config: Config,
  logger: Logger,
  opts: { host?: string; clock?: FeatureDeps["clock"]; schedules?: boolean; extraRoutes?: ExtraRoute[] } = {},
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
    throw new StartupError(explainAuthTestFailure(e, config.slack.apiUrl).message);
  }

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
  });

  const router = new Router({ logger, refusals: createRefusalRecorder(db) });
  registerFeatures(router, deps);

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
  app.use(eventDedupeMiddleware(db, logger));
  app.use(actorMiddleware(identity, logger));
  router.install(app);
  app.error(async (e) => {
    logger.error({ err: e }, "unhandled Bolt error");
  });

  await startFeatures(deps);
  const schedules = opts.schedules === false ? null : startSchedules(featureSchedules(deps), logger);

  let port = 0;
  if (receiver instanceof SlackHttpReceiver) {
    await receiver.start(config.port, opts.host);
    port = receiver.port;
  } else {
    await app.start();
  }
  logger.info({ port, mode: receiver instanceof SlackHttpReceiver ? "http" : "socket", botUserId: bot.botUserId }, "Wavelaunch bot started");

  return {
    port,
    db,
    router,
    deps,
    async stop() {
      schedules?.stop();
      await app.stop().catch(() => undefined);
      await db.$disconnect();
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
