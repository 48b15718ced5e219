import { App, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from "@slack/bolt";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { SlackHttpReceiver, type ExtraRoute } from "./http-receiver.js";

export type SlackAppParts = { app: App; receiver: SlackHttpReceiver | SocketModeReceiver };

/**
 * Bolt with our receiver. botId/botUserId come from one auth.test at start-up, so Bolt never
 * calls auth.test per request.
 */
export function createSlackApp(opts: {
  config: Config;
  logger: Logger;
  bot: { botId: string; botUserId: string };
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
  extraRoutes?: ExtraRoute[];
}): SlackAppParts {
  const { config, logger } = opts;
  const boltLogger = toBoltLogger(logger.child({ component: "bolt" }));
  const receiver = config.slack.appToken
    ? new SocketModeReceiver({ appToken: config.slack.appToken, logger: boltLogger, customRoutes: [] })
    : new SlackHttpReceiver({
        signingSecret: config.slack.signingSecret!,
        logger,
        routes: opts.routes,
        extraRoutes: opts.extraRoutes,
        limits: config.http,
      });
  const app = new App({
    token: config.slack.botToken,
    receiver,
    botId: opts.bot.botId,
    botUserId: opts.bot.botUserId,
    tokenVerificationEnabled: false,
    logger: boltLogger,
    clientOptions: {
      ...(config.slack.apiUrl ? { slackApiUrl: ensureSlash(config.slack.apiUrl) } : {}),
      retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
      rejectRateLimitedCalls: false,
    },
  });
  return { app, receiver };
}

export function ensureSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function toBoltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => log.debug(m.map(String).join(" ")),
    info: (...m: unknown[]) => log.info(m.map(String).join(" ")),
    warn: (...m: unknown[]) => log.warn(m.map(String).join(" ")),
    error: (...m: unknown[]) => log.error(m.map(String).join(" ")),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
