import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_DATABASE_URL, DEV_AUDIT_ANCHOR_KEY, loadAuditToolConfig, loadConfig, loadMigrationConfig } from "../../src/config.js";

const FERNET = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const ANCHOR = "pQ3k0v7mX2r9sT4wY6zA1bC8dE5fG0hJ2kL4mN6pR8s";
const slack = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", FIELD_ENCRYPTION_KEY: FERNET };

describe("AUDIT_ANCHOR_KEY", () => {
  it("is required in production, naming the variable (and never echoing a bad value)", () => {
    expect(() => loadConfig({ ...slack, NODE_ENV: "production" })).toThrow(/AUDIT_ANCHOR_KEY is required in production/);
    let msg = "";
    try {
      loadConfig({ ...slack, NODE_ENV: "production", AUDIT_ANCHOR_KEY: "short-and-guessable" });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/AUDIT_ANCHOR_KEY key #1 is not url-safe base64 of at least 32 bytes/);
    expect(msg).not.toContain("short-and-guessable");
  });

  it("outside production defaults to the public development key; a configured list keeps its order (the first signs)", () => {
    expect(loadConfig(slack).audit).toEqual({ anchorKeys: [DEV_AUDIT_ANCHOR_KEY], checkpointIntervalSeconds: 300 });
    const c = loadConfig({ ...slack, NODE_ENV: "production", AUDIT_ANCHOR_KEY: `${ANCHOR}, ${DEV_AUDIT_ANCHOR_KEY}`, AUDIT_CHECKPOINT_INTERVAL_SECONDS: "60" });
    expect(c.audit).toEqual({ anchorKeys: [ANCHOR, DEV_AUDIT_ANCHOR_KEY], checkpointIntervalSeconds: 60 });
  });

  it.each(["0", "3601", "5.5", "soon"])("refuses AUDIT_CHECKPOINT_INTERVAL_SECONDS=%s", (v) => {
    expect(() => loadConfig({ ...slack, AUDIT_CHECKPOINT_INTERVAL_SECONDS: v })).toThrow(/AUDIT_CHECKPOINT_INTERVAL_SECONDS/);
  });

  it("the verifier reads the same key and interval", () => {
    expect(loadAuditToolConfig({ DATABASE_URL: "postgresql://app@db/wl", AUDIT_ANCHOR_KEY: ANCHOR })).toEqual({
      databaseUrl: "postgresql://app@db/wl",
      anchorKeys: [ANCHOR],
      checkpointIntervalSeconds: 300,
    });
    expect(() => loadAuditToolConfig({ NODE_ENV: "production" })).toThrow(/AUDIT_ANCHOR_KEY/);
  });
});

describe("loadMigrationConfig: the two database roles", () => {
  it("by default the bot is wavelaunch_app and migrations run as the local superuser on the same database", () => {
    expect(DEFAULT_DATABASE_URL).toBe("postgresql://wavelaunch_app@localhost:5432/wavelaunch");
    expect(loadMigrationConfig({})).toEqual({ ownerUrl: "postgresql://postgres@localhost:5432/wavelaunch", appRole: "wavelaunch_app", createAppRole: true });
  });

  it("follows DATABASE_URL's database and takes the app role from its user (a password is never reused for the owner)", () => {
    expect(loadMigrationConfig({ DATABASE_URL: "postgresql://bot:pw@127.0.0.1:5433/wl_mine" })).toEqual({
      ownerUrl: "postgresql://postgres@127.0.0.1:5433/wl_mine",
      appRole: "bot",
      createAppRole: true,
    });
  });

  it("production needs MIGRATION_DATABASE_URL and never creates roles", () => {
    expect(() => loadMigrationConfig({ NODE_ENV: "production", DATABASE_URL: "postgresql://bot:pw@db/wl" })).toThrow(
      /MIGRATION_DATABASE_URL is required in production/,
    );
    expect(
      loadMigrationConfig({ NODE_ENV: "production", DATABASE_URL: "postgresql://bot:pw@db/wl", MIGRATION_DATABASE_URL: "postgresql://owner:pw2@db/wl" }),
    ).toEqual({
      ownerUrl: "postgresql://owner:pw2@db/wl",
      appRole: "bot",
      createAppRole: false,
    });
  });
});
