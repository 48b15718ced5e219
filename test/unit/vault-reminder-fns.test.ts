import { describe, expect, it } from "vitest";
import { REMINDER_AT_FRACTION, reminderDelayMs } from "../../src/features/vault/vault-fns.js";

const t = (time: string, day = "05") => new Date(`2026-12-${day}T${time}Z`);
const H = 3_600_000;

describe("reminderDelayMs", () => {
  it("is due at REMINDER_AT_FRACTION of the wait", () => {
    expect(REMINDER_AT_FRACTION).toBe(0.75);
  });
  it.each([
    // created, expires, now, fraction, expected ms from now
    { name: "24h wait, asked now: 18h", created: "00:00:00", expires: "next day", now: "00:00:00", f: 0.75, ms: 18 * H },
    { name: "counts from now, not from creation", created: "00:00:00", expires: "next day", now: "06:00:00", f: 0.75, ms: 12 * H },
    { name: "already past the point: at once", created: "00:00:00", expires: "next day", now: "20:00:00", f: 0.75, ms: 0 },
    { name: "a short wait scales", created: "00:00:00", expires: "01:00:00", now: "00:00:00", f: 0.75, ms: 0.75 * H },
    { name: "another fraction", created: "00:00:00", expires: "10:00:00", now: "00:00:00", f: 0.5, ms: 5 * H },
    { name: "sub-millisecond rounds", created: "00:00:00.000", expires: "00:00:00.003", now: "00:00:00.000", f: 0.5, ms: 2 },
  ])("$name", ({ created, expires, now, f, ms }) => {
    const end = expires === "next day" ? t("00:00:00", "06") : t(expires);
    expect(reminderDelayMs(t(created), end, t(now), f)).toBe(ms);
  });
  it.each([
    { name: "no expiry: never", expires: null },
    { name: "expiry not after creation: never", expires: t("00:00:00") },
    { name: "expiry before creation: never", expires: new Date(t("00:00:00").getTime() - H) },
  ])("$name", ({ expires }) => {
    expect(reminderDelayMs(t("00:00:00"), expires, t("00:00:00"))).toBeNull();
  });
});
