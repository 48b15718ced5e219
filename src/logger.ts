import pino, { type Logger, type DestinationStream } from "pino";

// Secret-bearing keys anywhere a log object might carry them (Slack payloads, credential
// rows, config). Redaction is the second line of defence: services never log secrets.
export const REDACT_PATHS = [
  "token",
  "*.token",
  "*.*.token",
  "botToken",
  "*.botToken",
  "signingSecret",
  "*.signingSecret",
  "appToken",
  "*.appToken",
  "apiKey",
  "*.apiKey",
  "*.*.apiKey",
  "password",
  "*.password",
  "*.*.password",
  "login_url",
  "*.login_url",
  "loginUrl",
  "*.loginUrl",
  "two_factor_backup_codes",
  "*.two_factor_backup_codes",
  "twoFactorBackupCodes",
  "*.twoFactorBackupCodes",
  "api_keys",
  "*.api_keys",
  "apiKeys",
  "*.apiKeys",
  "secret",
  "*.secret",
  "secrets",
  "*.secrets",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  '*.headers["x-api-key"]',
  "encryptionKeys",
  "*.encryptionKeys",
  "anchorKeys",
  "*.anchorKeys",
  "*.*.anchorKeys",
  "response_url",
  "*.response_url",
  "metricsToken",
  "*.metricsToken",
  "*.*.metricsToken",
];

export function createLogger(opts: { level: string; name?: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      name: opts.name ?? "wavelaunch",
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      base: undefined,
    },
    destination,
  );
}

export type { Logger };
