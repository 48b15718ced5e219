import { App, SocketModeReceiver } from "@slack/bolt";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { BotMetrics, RequestLabels } from "../metrics/metrics.js";
import { meteredReceiver } from "../metrics/metered-receiver.js";
import { toBoltLogger } from "./bolt-logger.js";
import { SlackHttpReceiver, type ExtraRoute } from "./http-receiver.js";
import { meterRateLimits, slackClientOptions } from "./web-client.js";

export type SlackAppParts = { app: App; receiver: SlackHttpReceiver | SocketModeReceiver };

/**
 * Bolt with our receiver. botId/botUserId come from one auth.test at start-up, so Bolt never
 * calls auth.test per request. Every request is timed and counted (metered-receiver.ts).
 */
export function createSlackApp(opts: {
  config: Config;
  logger: Logger;
  metrics: BotMetrics;
  /** The bounded labels of a request (request-labels.ts over the route table). */
  labelsOf: (body: Record<string, unknown>) => RequestLabels;
  bot: { botId: string; botUserId: string };
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
  extraRoutes?: ExtraRoute[];
}): SlackAppParts {
  const { config, logger, metrics } = opts;
  const boltLogger = toBoltLogger(logger.child({ component: "bolt" }));
  const clientOptions = slackClientOptions(config.slack.apiUrl, metrics);
  const receiver = config.slack.appToken
    ? // apps.connections.open goes to SLACK_API_URL too (staging, tests).
      new SocketModeReceiver({ appToken: config.slack.appToken, logger: boltLogger, customRoutes: [], installerOptions: { clientOptions } })
    : new SlackHttpReceiver({
        signingSecret: config.slack.signingSecret!,
        logger,
        routes: opts.routes,
        extraRoutes: opts.extraRoutes,
        limits: config.http,
      });
  const app = new App({
    token: config.slack.botToken,
    receiver: meteredReceiver(receiver, { metrics, labelsOf: opts.labelsOf }),
    botId: opts.bot.botId,
    botUserId: opts.bot.botUserId,
    tokenVerificationEnabled: false,
    // Bolt's default conversation store is a middleware on every request that looks the
    // conversation up in memory and, finding none, rejects with a new Error (a stack trace per
    // request). Nothing here keeps conversation state: the database holds what lasts.
    convoStore: false,
    logger: boltLogger,
    clientOptions: { ...clientOptions, rejectRateLimitedCalls: false },
  });
  meterRateLimits(app.client, metrics);
  return { app, receiver };
}
