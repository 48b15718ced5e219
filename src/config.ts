import { randomBytes } from "node:crypto";
import { z } from "zod";

// The only place that reads the environment. Everything else receives a frozen Config.

const csv = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const positiveInt = (def: number) => z.coerce.number().int().positive().default(def);

const slackChannelId = optionalString.refine((v) => v === undefined || /^[CGD][A-Z0-9]{2,}$/.test(v), {
  message: "must be a Slack channel id such as C0123ABCD",
});

const timeZone = z.string().default("UTC").refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone such as Europe/London" },
);

export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-5-5";
export const DEFAULT_DATABASE_URL = "postgresql://postgres@localhost:5432/wavelaunch";

/** The bot token the local sandbox (src/sandbox/) accepts; it is no secret and means nothing to Slack. */
export const SANDBOX_BOT_TOKEN = "xoxb-sandbox";
/**
 * The sandbox's Fernet key when FIELD_ENCRYPTION_KEY is unset. Public (it is in the source), so
 * it protects nothing: only demo data is ever encrypted with it, and production never uses it.
 */
export const SANDBOX_FIELD_ENCRYPTION_KEY = "QQrkcEx08w2XkYFChSeTxjY5YwE-7Sj-YhaWwWWqUwE=";
const SLACK_VARIABLES = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL"] as const;

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    SLACK_BOT_TOKEN: z.string({ error: "is required (the bot token, xoxb-…)" }).regex(/^xoxb-/, "must start with xoxb-"),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith("xapp-"), "must start with xapp-"),
    SLACK_API_URL: optionalString.pipe(z.url().optional()),
    DATABASE_URL: z.string().default(DEFAULT_DATABASE_URL).pipe(z.url({ protocol: /^postgres(ql)?$/ })),
    FIELD_ENCRYPTION_KEY: z
      .string({ error: "is required (comma-separated Fernet keys)" })
      .transform((v, ctx) => {
        const keys = v.split(",").map((s) => s.trim()).filter(Boolean);
        const bad = keys.findIndex((k) => !/^[A-Za-z0-9_-]{43}=$/.test(k));
        if (keys.length === 0 || bad >= 0) {
          ctx.addIssue({
            code: "custom",
            message: keys.length === 0 ? "is empty" : `key #${bad + 1} is not url-safe base64 of 32 bytes`,
          });
          return z.NEVER;
        }
        return keys;
      }),
    ADMIN_SLACK_USER_IDS: csv,
    APPROVALS_CHANNEL: slackChannelId,
    REVEAL_APPROVAL_TTL_MINUTES: positiveInt(15),
    REVEAL_MESSAGE_TTL_SECONDS: positiveInt(60),
    DIGEST_CHANNEL: slackChannelId,
    DIGEST_CRON: z.string().default("0 9 * * 1-5"),
    DIGEST_TZ: timeZone,
    ANTHROPIC_API_KEY: optionalString,
    ANTHROPIC_BASE_URL: optionalString.pipe(z.url().optional()),
    ANTHROPIC_MODEL: z.string().default(DEFAULT_ANTHROPIC_MODEL),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    // Must stay under the orchestrator's own limit (Kubernetes: terminationGracePeriodSeconds, 30).
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(25),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  });

export type Config = Readonly<{
  nodeEnv: "development" | "test" | "production";
  slack: Readonly<{
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
  }>;
  databaseUrl: string;
  encryptionKeys: readonly string[];
  adminSlackUserIds: readonly string[];
  approvalsChannel: string | undefined;
  revealApprovalTtlMinutes: number;
  revealMessageTtlSeconds: number;
  digest: Readonly<{ channel: string | undefined; cron: string; tz: string }>;
  anthropic: Readonly<{ apiKey: string | undefined; baseUrl: string | undefined; model: string }>;
  port: number;
  /** SIGTERM to exit: stop taking requests, finish or hand back work, close. */
  shutdownGraceSeconds: number;
  logLevel: string;
  /**
   * True when no Slack variable is set outside production: the bot then runs against the local
   * stand-in for Slack (src/sandbox/), which sets `slack.apiUrl` once it listens.
   */
  sandbox: boolean;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every variable.`);
    this.name = "ConfigError";
  }
}

/** Parses the environment once; every problem is reported together, naming its variable. */
export function loadConfig(input: Record<string, string | undefined> = process.env): Config {
  // No Slack variable at all means "try it without Slack", never a half-configured Slack app;
  // production refuses the sandbox, so a deploy that lost its token stops instead.
  const noSlack = SLACK_VARIABLES.every((k) => !input[k]?.trim());
  const sandbox = noSlack && input.NODE_ENV !== "production";
  const env = sandbox
    ? {
        ...input,
        SLACK_BOT_TOKEN: SANDBOX_BOT_TOKEN,
        SLACK_SIGNING_SECRET: randomBytes(32).toString("hex"),
        FIELD_ENCRYPTION_KEY: input.FIELD_ENCRYPTION_KEY?.trim() || SANDBOX_FIELD_ENCRYPTION_KEY,
      }
    : input;
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? "config")} ${i.message}`);
  if (noSlack && !sandbox) problems.push("NODE_ENV=production refuses the local Slack sandbox (it runs only when no SLACK_* variable is set, outside production)");
  // Checked outside zod so it is reported alongside the other problems, not after them.
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) {
    problems.push("SLACK_SIGNING_SECRET is required in HTTP mode (set it, or SLACK_APP_TOKEN for Socket Mode)");
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return deepFreeze({
    nodeEnv: e.NODE_ENV,
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    databaseUrl: e.DATABASE_URL,
    encryptionKeys: e.FIELD_ENCRYPTION_KEY,
    adminSlackUserIds: e.ADMIN_SLACK_USER_IDS,
    approvalsChannel: e.APPROVALS_CHANNEL,
    revealApprovalTtlMinutes: e.REVEAL_APPROVAL_TTL_MINUTES,
    revealMessageTtlSeconds: e.REVEAL_MESSAGE_TTL_SECONDS,
    digest: { channel: e.DIGEST_CHANNEL, cron: e.DIGEST_CRON, tz: e.DIGEST_TZ },
    anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL, model: e.ANTHROPIC_MODEL },
    port: e.PORT,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    logLevel: e.LOG_LEVEL,
    sandbox,
  });
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === "object") deepFreeze(v);
  return Object.freeze(o);
}

/** For tools that only need the database (migrations, seeding): no Slack variables required. */
export function loadDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  return z.string().default(DEFAULT_DATABASE_URL).pipe(z.url()).parse(env.DATABASE_URL || undefined);
}

/** Reads a local `.env` into the environment, if there is one (real env vars win). */
export function loadDotEnv(path = ".env"): void {
  try {
    const before = { ...process.env };
    process.loadEnvFile(path);
    Object.assign(process.env, before);
  } catch {
    // no .env: configuration comes from the environment alone
  }
}

/** For offline tools that touch credentials (key rotation): the database and the keys only. */
export function loadKeyToolConfig(env: Record<string, string | undefined> = process.env): { databaseUrl: string; encryptionKeys: string[] } {
  const parsed = schema.pick({ DATABASE_URL: true, FIELD_ENCRYPTION_KEY: true }).safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? "config")} ${i.message}`));
  return { databaseUrl: parsed.data.DATABASE_URL, encryptionKeys: parsed.data.FIELD_ENCRYPTION_KEY };
}
