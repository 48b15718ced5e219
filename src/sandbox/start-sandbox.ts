import type { Config } from "../config.js";
import { SANDBOX_CHANNELS, SANDBOX_FIELD_ENCRYPTION_KEY } from "../config.js";
import type { Logger } from "../logger.js";
import { startBot, StartupError, type RunningBot } from "../bot.js";
import type { FeatureDeps } from "../features/types.js";
import { Sandbox } from "./sandbox-server.js";
import { seedDemoUsers } from "./demo-data.js";
import { DEMO_USERS } from "./sandbox-users.js";

export type SandboxedBot = RunningBot & { sandbox: Sandbox; sandboxUrl: string };

/**
 * Sandbox mode: the real bot, started by the real composition root, with a local stand-in for
 * Slack as its SLACK_API_URL. The stand-in listens first (the bot calls auth.test before its own
 * server is up), then its page is mounted on the bot's server. Both listen on loopback only:
 * whoever opens the page can act as any demo person, admins included.
 */
export async function startSandboxBot(config: Config, logger: Logger, opts: { clock?: FeatureDeps["clock"]; schedules?: boolean } = {}): Promise<SandboxedBot> {
  if (!config.sandbox) throw new StartupError("startSandboxBot needs a sandbox configuration (no Slack variables set).");
  if (config.nodeEnv === "production") throw new StartupError("The local Slack sandbox is refused when NODE_ENV=production.");
  const log = logger.child({ component: "sandbox" });
  // loadConfig gives the sandbox SANDBOX_CHANNELS unless the variables name others.
  const channels = [
    ...(config.approvalsChannel
      ? [{ id: config.approvalsChannel, name: config.approvalsChannel === SANDBOX_CHANNELS.approvals.id ? SANDBOX_CHANNELS.approvals.name : "approvals" }]
      : []),
    ...(config.digest.channel
      ? [{ id: config.digest.channel, name: config.digest.channel === SANDBOX_CHANNELS.digest.id ? SANDBOX_CHANNELS.digest.name : "studio-digest" }]
      : []),
  ];
  const sandbox = new Sandbox({ botToken: config.slack.botToken, signingSecret: config.slack.signingSecret!, logger: log, channels });
  await sandbox.listen("127.0.0.1", 0);

  const sandboxConfig: Config = Object.freeze({ ...config, slack: Object.freeze({ ...config.slack, apiUrl: sandbox.apiUrl }) });
  let bot: RunningBot;
  try {
    bot = await startBot(sandboxConfig, logger, { host: "127.0.0.1", extraRoutes: [sandbox.route], ...opts });
  } catch (e) {
    await sandbox.close();
    throw e;
  }
  const sandboxUrl = `http://127.0.0.1:${bot.port}/sandbox/`;
  sandbox.connect({ eventsUrl: `http://127.0.0.1:${bot.port}/slack/events`, pageUrl: sandboxUrl });

  log.warn(
    { url: sandboxUrl },
    "SANDBOX MODE: no Slack variables are set, so the bot is running against a LOCAL STAND-IN FOR SLACK, not Slack. Refused when NODE_ENV=production.",
  );
  if (config.encryptionKeys[0] === SANDBOX_FIELD_ENCRYPTION_KEY) {
    log.warn(
      "FIELD_ENCRYPTION_KEY is unset: credentials are encrypted with the PUBLIC sandbox key (SANDBOX_FIELD_ENCRYPTION_KEY in src/config.ts). Demo data only.",
    );
  }
  // Only an empty database gets people unasked: one with real users may be someone's Django data.
  const demoIds = DEMO_USERS.filter((u) => u.role).map((u) => u.id);
  if ((await bot.db.authUser.count()) === 0) {
    const seeded = await seedDemoUsers(bot.db);
    log.warn(
      { ...seeded },
      "the database had no users: added the sandbox's demo people (Ada admin, Mia manager, Sam and Sky staff). `npm run seed:demo` adds a demo studio.",
    );
  } else if ((await bot.db.slackUser.count({ where: { slackUserId: { in: demoIds } } })) < demoIds.length) {
    log.warn(
      "the database has other users, so the demo people were not added automatically and will be refused; `npm run seed:demo` adds them (and a demo studio)",
    );
  }

  return {
    ...bot,
    sandbox,
    sandboxUrl,
    async stop(opts) {
      // The page's open streams first: the bot's server waits for them before it closes.
      sandbox.endStreams();
      await bot.stop(opts);
      await sandbox.close();
    },
  };
}

/** The lines `npm start` prints in sandbox mode, plain text so they stand out from the JSON logs. */
export function sandboxBanner(url: string): string {
  const rule = "=".repeat(78);
  return [
    rule,
    "  SANDBOX MODE: no SLACK_BOT_TOKEN, so this is a local stand-in for Slack, not Slack.",
    "  Open this in a browser and pick who you are:",
    "",
    `      ${url}`,
    "",
    "  Demo data: npm run seed:demo   ·   Real Slack: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET",
    rule,
  ].join("\n");
}
