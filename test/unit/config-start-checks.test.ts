import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

// Every mistake in the environment is caught by loadConfig, named, and explained: none may
// pass validation and then fail later inside a scheduler or a Slack call.

const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const minimal = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", FIELD_ENCRYPTION_KEY: KEY };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...minimal, ...env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("DIGEST_CRON", () => {
  it.each(["bad cron", "61 * * * *", "0 25 * * *", "0 9 * *", ""])("refuses %j, naming the variable and showing the format", (cron) => {
    const p = problems({ DIGEST_CRON: cron });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^DIGEST_CRON is not a valid cron expression: five fields .*"0 9 \* \* 1-5"/);
  });

  it.each(["0 9 * * 1-5", "*/15 8-18 * * *", "30 0 9 * * 1-5", " 0 7 * * * "])("accepts %j (trimmed)", (cron) => {
    expect(loadConfig({ ...minimal, DIGEST_CRON: cron }).digest.cron).toBe(cron.trim());
  });
});

describe("DIGEST_TZ", () => {
  it.each(["Mars/Olympus", "+05:00", "GMT+25", " "])("refuses %j", (tz) => {
    expect(problems({ DIGEST_TZ: tz })).toEqual(["DIGEST_TZ must be an IANA time zone such as Europe/London"]);
  });

  it("accepts any IANA zone", () => {
    expect(loadConfig({ ...minimal, DIGEST_TZ: "Europe/London" }).digest.tz).toBe("Europe/London");
    expect(loadConfig({ ...minimal, DIGEST_TZ: "America/Argentina/Buenos_Aires" }).digest.tz).toBe("America/Argentina/Buenos_Aires");
    expect(loadConfig(minimal).digest.tz).toBe("UTC");
  });
});

describe("reveal time limits", () => {
  it("caps REVEAL_MESSAGE_TTL_SECONDS at 900, below the 30-minute life of the response_url that deletes the secret", () => {
    expect(loadConfig({ ...minimal, REVEAL_MESSAGE_TTL_SECONDS: "900" }).revealMessageTtlSeconds).toBe(900);
    const [p] = problems({ REVEAL_MESSAGE_TTL_SECONDS: "1800" });
    expect(p).toMatch(/^REVEAL_MESSAGE_TTL_SECONDS must be at most 900: .*response_url.*30 minutes/);
  });

  it("caps REVEAL_APPROVAL_TTL_MINUTES at 1440 (a day)", () => {
    expect(loadConfig({ ...minimal, REVEAL_APPROVAL_TTL_MINUTES: "1440" }).revealApprovalTtlMinutes).toBe(1440);
    expect(problems({ REVEAL_APPROVAL_TTL_MINUTES: "100000" })[0]).toMatch(/^REVEAL_APPROVAL_TTL_MINUTES must be at most 1440/);
  });

  it.each([
    ["0", "must be at least 1"],
    ["-5", "must be at least 1"],
    ["1.5", "must be a whole number"],
    ["soon", "must be a whole number"],
  ])("refuses %j with a message naming the variable", (value, message) => {
    expect(problems({ REVEAL_MESSAGE_TTL_SECONDS: value })).toEqual([`REVEAL_MESSAGE_TTL_SECONDS ${message}`]);
    expect(problems({ REVEAL_APPROVAL_TTL_MINUTES: value })).toEqual([`REVEAL_APPROVAL_TTL_MINUTES ${message}`]);
  });

  it("reports every mistake at once", () => {
    const p = problems({ DIGEST_CRON: "bad cron", DIGEST_TZ: "Nowhere/Land", REVEAL_MESSAGE_TTL_SECONDS: "3600", REVEAL_APPROVAL_TTL_MINUTES: "0" });
    expect(p.map((s) => s.split(" ")[0]).sort()).toEqual(["DIGEST_CRON", "DIGEST_TZ", "REVEAL_APPROVAL_TTL_MINUTES", "REVEAL_MESSAGE_TTL_SECONDS"]);
  });
});
