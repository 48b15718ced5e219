import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, DEFAULT_DATABASE_URL } from "../../src/config.js";

const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const minimal = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", FIELD_ENCRYPTION_KEY: KEY };

describe("loadConfig", () => {
  it("names every missing or malformed variable in one message", () => {
    let err: unknown;
    try {
      loadConfig({ PORT: "abc", DIGEST_TZ: "Mars/Olympus", FIELD_ENCRYPTION_KEY: "nope" });
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
});
