import { ConfigError, loadConfig, loadDotEnv } from "./config.js";
import { createLogger } from "./logger.js";
import { startBot, StartupError } from "./bot.js";
import { sandboxBanner, startSandboxBot } from "./sandbox/start-sandbox.js";
import { httpModeBanner } from "./slack/request-url.js";

loadDotEnv();
let config;
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

try {
  // No Slack variables (and not production): the same bot, against the local stand-in for Slack.
  const sandboxed = config.sandbox ? await startSandboxBot(config, logger) : null;
  const bot = sandboxed ?? (await startBot(config, logger));
  if (sandboxed) console.log(sandboxBanner(sandboxed.sandboxUrl));
  else if (!config.slack.appToken) console.log(httpModeBanner(bot.port));
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // In-flight requests finish; a hung shutdown is cut off rather than blocking a deploy.
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await bot.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
} catch (e) {
  if (e instanceof StartupError) {
    logger.fatal(e.message);
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
