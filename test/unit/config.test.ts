import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, DEFAULT_DATABASE_URL, SANDBOX_BOT_TOKEN, SANDBOX_FIELD_ENCRYPTION_KEY } from "../../src/config.js";

const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const minimal = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", FIELD_ENCRYPTION_KEY: KEY };

describe("loadConfig", () => {
  it("names every missing or malformed variable in one message", () => {
    let err: unknown;
    try {
      loadConfig({ NODE_ENV: "production", PORT: "abc", DIGEST_TZ: "Mars/Olympus", FIELD_ENCRYPTION_KEY: "nope" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const name of ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "FIELD_ENCRYPTION_KEY", "PORT", "DIGEST_TZ"]) expect(msg).toContain(name);
    expect(msg).not.toContain("nope");
  });

  it("applies the contract's defaults and freezes the result", () => {
    const c = loadConfig(minimal);
    expect(c).toMatchObject({
      databaseUrl: DEFAULT_DATABASE_URL,
      revealApprovalTtlMinutes: 15,
      revealMessageTtlSeconds: 60,
      digest: { cron: "0 9 * * 1-5", tz: "UTC", channel: undefined },
      port: 3000,
      logLevel: "info",
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.slack)).toBe(true);
  });

  it("parses key lists and admin ids, and allows Socket Mode without a signing secret", () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", FIELD_ENCRYPTION_KEY: `${KEY}, ${KEY}`, ADMIN_SLACK_USER_IDS: "U1, U2,," });
    expect(c.encryptionKeys).toHaveLength(2);
    expect(c.adminSlackUserIds).toEqual(["U1", "U2"]);
    expect(c.slack.appToken).toBe("xapp-1");
  });

  it("rejects a channel variable that is not a channel id", () => {
    expect(() => loadConfig({ ...minimal, DIGEST_CHANNEL: "#general" })).toThrow(/DIGEST_CHANNEL/);
  });

  it("runs with Slack credentials against Slack: the sandbox is off", () => {
    expect(loadConfig(minimal).sandbox).toBe(false);
    expect(loadConfig({ ...minimal, NODE_ENV: "production", AUDIT_ANCHOR_KEY: "pQ3k0v7mX2r9sT4wY6zA1bC8dE5fG0hJ2kL4mN6pR8s" }).sandbox).toBe(false);
  });
});

describe("loadConfig: the local Slack sandbox", () => {
  it("with no Slack variable outside production, configures the sandbox: its token, a fresh signing secret, the public demo key", () => {
    const a = loadConfig({});
    const b = loadConfig({ NODE_ENV: "development" });
    expect(a).toMatchObject({ sandbox: true, nodeEnv: "development", slack: { botToken: SANDBOX_BOT_TOKEN, appToken: undefined, apiUrl: undefined } });
    expect(a.slack.signingSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(a.slack.signingSecret).not.toBe(b.slack.signingSecret);
    expect(a.encryptionKeys).toEqual([SANDBOX_FIELD_ENCRYPTION_KEY]);
    expect(Object.isFrozen(a.slack)).toBe(true);
  });

  it("keeps a configured FIELD_ENCRYPTION_KEY (the demo key is only a fallback)", () => {
    expect(loadConfig({ FIELD_ENCRYPTION_KEY: KEY }).encryptionKeys).toEqual([KEY]);
  });

  it("is refused when NODE_ENV=production: the missing token stops start-up, naming it", () => {
    let err: unknown;
    try {
      loadConfig({ NODE_ENV: "production", FIELD_ENCRYPTION_KEY: KEY });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain("SLACK_BOT_TOKEN is required");
    expect(msg).toMatch(/production refuses the local Slack sandbox/);
  });

  it("never starts for a half-configured Slack app: any Slack variable means real Slack", () => {
    for (const partial of [{ SLACK_SIGNING_SECRET: "s" }, { SLACK_APP_TOKEN: "xapp-1" }, { SLACK_API_URL: "https://slack.example/api/" }]) {
      expect(() => loadConfig({ ...partial, FIELD_ENCRYPTION_KEY: KEY }), JSON.stringify(partial)).toThrow(/SLACK_BOT_TOKEN is required/);
    }
  });

  it("still reports the other malformed variables in sandbox mode", () => {
    let msg = "";
    try {
      loadConfig({ PORT: "abc", FIELD_ENCRYPTION_KEY: "nope" });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain("PORT");
    expect(msg).toContain("FIELD_ENCRYPTION_KEY");
    expect(msg).not.toContain("SLACK_BOT_TOKEN");
  });
});
