import { describe, expect, it } from "vitest";
import cron from "node-cron";
import { cronRunsOn, lastFireOnDay, zonedTime } from "../../src/features/digests/digest-cron.js";

const fire = (expr: string, day: string, tz: string, now: string) => lastFireOnDay(cron.parse(expr), day, tz, new Date(now))?.toISOString() ?? null;

describe("lastFireOnDay (today's DIGEST_CRON time, for the missed-digest catch-up)", () => {
  it("weekdays at 09:00 UTC: due after 09:00 on a weekday, not before, never at weekends", () => {
    // 2026-11-27 is a Friday; 2026-11-28 a Saturday.
    expect(fire("0 9 * * 1-5", "2026-11-27", "UTC", "2026-11-27T10:15:00Z")).toBe("2026-11-27T09:00:00.000Z");
    expect(fire("0 9 * * 1-5", "2026-11-27", "UTC", "2026-11-27T09:00:00Z")).toBe("2026-11-27T09:00:00.000Z");
    expect(fire("0 9 * * 1-5", "2026-11-27", "UTC", "2026-11-27T08:59:59Z")).toBeNull();
    expect(fire("0 9 * * 1-5", "2026-11-28", "UTC", "2026-11-28T12:00:00Z")).toBeNull();
  });

  it("works in DIGEST_TZ, not UTC", () => {
    // 09:00 in New York (EST, UTC-5) is 14:00 UTC.
    expect(fire("0 9 * * *", "2026-11-27", "America/New_York", "2026-11-27T13:59:00Z")).toBeNull();
    expect(fire("0 9 * * *", "2026-11-27", "America/New_York", "2026-11-27T14:30:00Z")).toBe("2026-11-27T14:00:00.000Z");
    // 09:00 in Tokyo (UTC+9) is midnight UTC.
    expect(fire("0 9 * * *", "2026-11-27", "Asia/Tokyo", "2026-11-27T01:00:00Z")).toBe("2026-11-27T00:00:00.000Z");
  });

  it("with several times a day, gives the latest one already passed", () => {
    expect(fire("*/30 8-10 * * *", "2026-11-27", "UTC", "2026-11-27T09:47:00Z")).toBe("2026-11-27T09:30:00.000Z");
    expect(fire("*/30 8-10 * * *", "2026-11-27", "UTC", "2026-11-27T23:00:00Z")).toBe("2026-11-27T10:30:00.000Z");
  });

  it("handles day-of-month, month and named weekdays", () => {
    expect(fire("0 9 1,15 * *", "2026-11-15", "UTC", "2026-11-15T12:00:00Z")).toBe("2026-11-15T09:00:00.000Z");
    expect(fire("0 9 1,15 * *", "2026-11-16", "UTC", "2026-11-16T12:00:00Z")).toBeNull();
    expect(fire("0 9 * 12 *", "2026-11-27", "UTC", "2026-11-27T12:00:00Z")).toBeNull();
    expect(fire("0 9 * * fri", "2026-11-27", "UTC", "2026-11-27T12:00:00Z")).toBe("2026-11-27T09:00:00.000Z");
    expect(cronRunsOn(cron.parse("0 9 * * 0"), "2026-11-29")).toBe(true); // Sunday
  });

  it("a time skipped by a DST jump never fired", () => {
    // Europe/London skips 01:00–02:00 on 2026-03-29.
    expect(fire("30 1 * * *", "2026-03-29", "Europe/London", "2026-03-29T12:00:00Z")).toBeNull();
    expect(zonedTime("2026-03-29", 3, 0, 0, "Europe/London").toISOString()).toBe("2026-03-29T02:00:00.000Z");
  });
});
