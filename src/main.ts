import { ConfigError, loadConfig, loadDotEnv } from "./config.js";
import { createLogger } from "./logger.js";
import { startBot, StartupError } from "./bot.js";
import { sandboxBanner, startSandboxBot } from "./sandbox/start-sandbox.js";
import { httpModeBanner } from "./slack/request-url.js";

loadDotEnv();
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
const logger = createLogger({ level: config.logLevel });

type Running = Awaited<ReturnType<typeof startBot>>;
let bot: Running | null = null;
let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  const graceMs = config.shutdownGraceSeconds * 1000;
  logger.info({ signal, graceMs }, "shutting down: readiness 503, finishing requests, handing back jobs");
  // A stop that overruns its grace period is cut off rather than blocking a deploy; whatever
  // it still held is taken over by another replica once its heartbeat goes stale.
  const timer = setTimeout(() => process.exit(1), graceMs + 2_000);
  timer.unref();
  // Still starting: the start-up below stops the bot as soon as it is up.
  if (!bot) return;
  // Readiness answers 503 for a few seconds before the server stops accepting, so the load
  // balancer has taken this replica out before connections are refused.
  await bot.stop({ graceMs, unreadyMs: Math.min(3_000, graceMs / 5) });
  process.exit(0);
};
// Installed before anything starts: a SIGTERM that arrives while the bot is starting (a deploy
// rolled back at once) would otherwise meet the default action and kill the process mid-start.
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

try {
  // No Slack variables (and not production): the same bot, against the local stand-in for Slack.
  const sandboxed = config.sandbox ? await startSandboxBot(config, logger) : null;
  bot = sandboxed ?? (await startBot(config, logger));
  if (stopping) {
    stopping = false;
    await shutdown("signal during start-up");
  } else if (sandboxed) console.log(sandboxBanner(sandboxed.sandboxUrl));
  else if (!config.slack.appToken) console.log(httpModeBanner(bot.port));
} catch (e) {
  if (e instanceof StartupError) {
    logger.fatal(e.message);
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
