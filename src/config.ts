import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import cron from "node-cron";
import { z } from "zod";
import { canonicalTimeZone } from "./lib/dates.js";

// The only place that reads the environment. Everything else receives a frozen Config.

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const slackChannelId = optionalString.refine((v) => v === undefined || /^[CGD][A-Z0-9]{2,}$/.test(v), {
  message: "must be a Slack channel id such as C0123ABCD",
});

/** An integer from 1 to `max`, explaining the cap when it is exceeded. */
const boundedInt = (def: number, max: number, why: string) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(max, `must be at most ${max}: ${why}`)
    .default(def);

// Checked here, the way node-cron and the date helpers will use it, so a typo stops the start
// with its variable's name instead of a stack trace from the scheduler later.
const timeZone = z
  .string()
  .default("UTC")
  .transform((tz) => tz.trim())
  .refine((tz) => canonicalTimeZone(tz) !== null, { message: "must be an IANA time zone such as Europe/London" });

const cronExpression = z
  .string()
  .default("0 9 * * 1-5")
  .transform((v) => v.trim())
  .refine((v) => cron.validate(v), {
    message:
      'is not a valid cron expression: five fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1-5"; an optional sixth field in front is seconds',
  });

export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-5-5";
/** The bot's own, limited role (see src/audit/app-role.ts); `npm start` creates it locally. */
export const DEFAULT_DATABASE_URL = "postgresql://wavelaunch_app@localhost:5432/wavelaunch";

/** The bot token the local sandbox (src/sandbox/) accepts; it is no secret and means nothing to Slack. */
export const SANDBOX_BOT_TOKEN = "xoxb-sandbox";
/**
 * The sandbox's digest and approvals channels when DIGEST_CHANNEL / APPROVALS_CHANNEL are
 * unset, so `/wl digest now` and channel approval prompts can be tried on a fresh clone.
 */
export const SANDBOX_CHANNELS = Object.freeze({
  digest: Object.freeze({ id: "C0WLDIGESTS", name: "wl-digests" }),
  approvals: Object.freeze({ id: "C0WLAPPROVALS", name: "wl-approvals" }),
});
/**
 * The sandbox's Fernet key when FIELD_ENCRYPTION_KEY is unset. Public (it is in the source), so
 * it protects nothing: only demo data is ever encrypted with it, and production never uses it.
 */
export const SANDBOX_FIELD_ENCRYPTION_KEY = "QQrkcEx08w2XkYFChSeTxjY5YwE-7Sj-YhaWwWWqUwE=";
/**
 * AUDIT_ANCHOR_KEY outside production when it is unset. Public (it is in the source), so its
 * checkpoints prove nothing against anyone who reads this file: production requires a real key.
 */
export const DEV_AUDIT_ANCHOR_KEY = "XdgXSfo_vSGShs--QjklpmU7IeUFoc1KM2T6ftgCsTQ";
const SLACK_VARIABLES = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL"] as const;

// Comma-separated HMAC keys for the audit checkpoints: the first signs, every one verifies.
const anchorKeys = z.string({ error: "is required in production (url-safe base64 of at least 32 random bytes)" }).transform((v, ctx) => {
  const keys = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = keys.findIndex((k) => !/^[A-Za-z0-9_-]+={0,2}$/.test(k) || Buffer.from(k, "base64url").length < 32);
  if (keys.length === 0 || bad >= 0) {
    ctx.addIssue({ code: "custom", message: keys.length === 0 ? "is empty" : `key #${bad + 1} is not url-safe base64 of at least 32 bytes` });
    return z.NEVER;
  }
  return keys;
});

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  SLACK_BOT_TOKEN: z.string({ error: "is required (the bot token, xoxb-…)" }).regex(/^xoxb-/, "must start with xoxb-"),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith("xapp-"), "must start with xapp-"),
  SLACK_API_URL: optionalString.pipe(z.url().optional()),
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .pipe(z.url({ protocol: /^postgres(ql)?$/ })),
  // Requests are short and Postgres on the same cores does the work: a pool as large as the
  // core count keeps it busy without queueing inside it (measured in bench/).
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(Math.max(2, availableParallelism())),
  FIELD_ENCRYPTION_KEY: z.string({ error: "is required (comma-separated Fernet keys)" }).transform((v, ctx) => {
    const keys = v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
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
  // An approval is for a reveal the requester is about to do; a day is already generous.
  REVEAL_APPROVAL_TTL_MINUTES: boundedInt(15, 1440, "an approval is meant to be used at once, not kept for days (1440 is 24 hours)"),
  // The revealed message is deleted through the click's response_url, which Slack honours for
  // 30 minutes only; 15 minutes at most leaves the rest for retries and for another replica
  // to finish the deletion after a crash.
  REVEAL_MESSAGE_TTL_SECONDS: boundedInt(
    60,
    900,
    "the secret is deleted through Slack's response_url, which expires 30 minutes after the click; 900 (15 minutes) leaves room for retries",
  ),
  DIGEST_CHANNEL: slackChannelId,
  DIGEST_CRON: cronExpression,
  DIGEST_TZ: timeZone,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString.pipe(z.url().optional()),
  ANTHROPIC_MODEL: z.string().default(DEFAULT_ANTHROPIC_MODEL),
  AUDIT_ANCHOR_KEY: anchorKeys,
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(5_000),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(1_000),
  // Must stay under the orchestrator's own limit (Kubernetes: terminationGracePeriodSeconds, 30).
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(25),
  // Socket Mode has no Slack receiver listening: /healthz, /readyz and /metrics get their own
  // server on this port (default PORT). In HTTP mode they are served on PORT with Slack's.
  OPS_PORT: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).max(65535).optional()),
  // When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`.
  METRICS_TOKEN: optionalString,
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
  /** Connections in the request pool (background jobs have their own). */
  databasePoolMax: number;
  encryptionKeys: readonly string[];
  adminSlackUserIds: readonly string[];
  approvalsChannel: string | undefined;
  revealApprovalTtlMinutes: number;
  revealMessageTtlSeconds: number;
  digest: Readonly<{ channel: string | undefined; cron: string; tz: string }>;
  anthropic: Readonly<{ apiKey: string | undefined; baseUrl: string | undefined; model: string }>;
  /** Signed checkpoints of the audit chain (src/audit/audit-checkpoint.ts). */
  audit: Readonly<{ anchorKeys: readonly string[]; checkpointIntervalSeconds: number }>;
  port: number;
  /** What one HTTP client may cost the receiver (see ReceiverLimits). */
  http: Readonly<{ requestTimeoutMs: number; headersTimeoutMs: number; maxConnections: number }>;
  /** SIGTERM to exit: stop taking requests, finish or hand back work, close. */
  shutdownGraceSeconds: number;
  /** /healthz, /readyz, /metrics: the ops server's port in Socket Mode, and the token /metrics wants. */
  ops: Readonly<{ port: number; metricsToken: string | undefined }>;
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
        DIGEST_CHANNEL: input.DIGEST_CHANNEL?.trim() || SANDBOX_CHANNELS.digest.id,
        APPROVALS_CHANNEL: input.APPROVALS_CHANNEL?.trim() || SANDBOX_CHANNELS.approvals.id,
      }
    : input;
  const parsed = schema.safeParse(withDevAnchorKey(env));
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? "config")} ${i.message}`);
  if (noSlack && !sandbox)
    problems.push("NODE_ENV=production refuses the local Slack sandbox (it runs only when no SLACK_* variable is set, outside production)");
  // Checked outside zod so it is reported alongside the other problems, not after them.
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) {
    problems.push("SLACK_SIGNING_SECRET is required in HTTP mode (set it, or SLACK_APP_TOKEN for Socket Mode)");
  }
  // Node refuses a header deadline later than the whole request's.
  if (parsed.success && parsed.data.HTTP_HEADERS_TIMEOUT_MS > parsed.data.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push("HTTP_HEADERS_TIMEOUT_MS must not be greater than HTTP_REQUEST_TIMEOUT_MS");
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
    databasePoolMax: e.DATABASE_POOL_MAX,
    encryptionKeys: e.FIELD_ENCRYPTION_KEY,
    adminSlackUserIds: e.ADMIN_SLACK_USER_IDS,
    approvalsChannel: e.APPROVALS_CHANNEL,
    revealApprovalTtlMinutes: e.REVEAL_APPROVAL_TTL_MINUTES,
    revealMessageTtlSeconds: e.REVEAL_MESSAGE_TTL_SECONDS,
    digest: { channel: e.DIGEST_CHANNEL, cron: e.DIGEST_CRON, tz: e.DIGEST_TZ },
    anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL, model: e.ANTHROPIC_MODEL },
    audit: { anchorKeys: e.AUDIT_ANCHOR_KEY, checkpointIntervalSeconds: e.AUDIT_CHECKPOINT_INTERVAL_SECONDS },
    port: e.PORT,
    http: { requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS, maxConnections: e.HTTP_MAX_CONNECTIONS },
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    ops: { port: e.OPS_PORT ?? e.PORT, metricsToken: e.METRICS_TOKEN },
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
  return z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .pipe(z.url())
    .parse(env.DATABASE_URL || undefined);
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

/** Outside production an unset AUDIT_ANCHOR_KEY means the public development key. */
function withDevAnchorKey(env: Record<string, string | undefined>): Record<string, string | undefined> {
  if (env.AUDIT_ANCHOR_KEY?.trim() || env.NODE_ENV === "production") return env;
  return { ...env, AUDIT_ANCHOR_KEY: DEV_AUDIT_ANCHOR_KEY };
}

export type MigrationConfig = {
  /** The tables' owner: migrations run as this user. */
  ownerUrl: string;
  /** The role the bot serves requests as: DATABASE_URL's user, granted its privileges after migrating. */
  appRole: string;
  /** Outside production the runner creates a missing app role (LOGIN, no password: local trust auth). */
  createAppRole: boolean;
};

/**
 * For the migration runner: DATABASE_URL is the bot's limited connection, MIGRATION_DATABASE_URL
 * the owner's. Outside production an unset MIGRATION_DATABASE_URL means DATABASE_URL's database
 * as the local superuser `postgres` (trust auth); production requires it.
 */
export function loadMigrationConfig(env: Record<string, string | undefined> = process.env): MigrationConfig {
  const url = z.url({ protocol: /^postgres(ql)?$/ });
  const problems: string[] = [];
  const app = url.default(DEFAULT_DATABASE_URL).safeParse(env.DATABASE_URL?.trim() || undefined);
  if (!app.success) problems.push("DATABASE_URL must be a postgresql:// URL");
  const production = env.NODE_ENV === "production";
  let ownerUrl: string | undefined;
  if (env.MIGRATION_DATABASE_URL?.trim()) {
    const owner = url.safeParse(env.MIGRATION_DATABASE_URL.trim());
    if (owner.success) ownerUrl = owner.data;
    else problems.push("MIGRATION_DATABASE_URL must be a postgresql:// URL");
  } else if (production) {
    problems.push("MIGRATION_DATABASE_URL is required in production (the tables' owner; DATABASE_URL is the bot's limited role)");
  } else if (app.success) {
    const u = new URL(app.data);
    u.username = "postgres";
    u.password = "";
    ownerUrl = u.toString();
  }
  if (problems.length > 0 || !app.success || !ownerUrl) throw new ConfigError(problems);
  return { ownerUrl, appRole: decodeURIComponent(new URL(app.data).username) || "postgres", createAppRole: !production };
}

/** For `npm run audit:verify`: the database, the anchor keys and how often checkpoints are due. */
export function loadAuditToolConfig(env: Record<string, string | undefined> = process.env): {
  databaseUrl: string;
  anchorKeys: string[];
  checkpointIntervalSeconds: number;
} {
  const parsed = schema.pick({ DATABASE_URL: true, AUDIT_ANCHOR_KEY: true, AUDIT_CHECKPOINT_INTERVAL_SECONDS: true }).safeParse(withDevAnchorKey(env));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? "config")} ${i.message}`));
  const e = parsed.data;
  return { databaseUrl: e.DATABASE_URL, anchorKeys: e.AUDIT_ANCHOR_KEY, checkpointIntervalSeconds: e.AUDIT_CHECKPOINT_INTERVAL_SECONDS };
}
