import { describe, expect, it } from "vitest";
import { canonicalTimeZone } from "../../src/lib/dates.js";
import {
  cronTimeOfDay,
  dueDay,
  onlyFollowed,
  parseSettings,
  personalDigestKey,
  readSettingsForm,
  timeInTz,
} from "../../src/features/digest-settings/settings-fns.js";
import type { DigestSnapshot } from "../../src/features/digests/digest-types.js";

const form = (over: Partial<Record<"time" | "tz" | "scope" | "enabled", string | null>> = {}) => ({
  time: "08:30",
  tz: "Europe/London",
  scope: "followed",
  enabled: "on",
  ...over,
});

describe("canonicalTimeZone", () => {
  it.each([
    ["Europe/London", "Europe/London"],
    ["america/new_york", "America/New_York"],
    ["  Asia/Tokyo ", "Asia/Tokyo"],
    ["UTC", "UTC"],
    ["Mars/Olympus", null],
    ["", null],
    ["Europe/London; DROP TABLE", null],
    ["x".repeat(65), null],
  ])("%j → %j", (input, out) => {
    expect(canonicalTimeZone(input)).toBe(out);
    // Asked again (answers for known names are kept): the same answer.
    expect(canonicalTimeZone(input)).toBe(out);
  });
});

describe("parseSettings", () => {
  it("accepts a valid form, canonicalises the zone and turns on/off into a boolean", () => {
    expect(parseSettings(form({ tz: "europe/paris", enabled: "off" }))).toEqual({
      ok: true,
      data: { time: "08:30", tz: "Europe/Paris", scope: "followed", enabled: false },
    });
  });
  it.each([
    [{ time: "24:00" }, "digest_time"],
    [{ time: "8:30" }, "digest_time"],
    [{ time: null }, "digest_time"],
    [{ tz: "Nowhere/Land" }, "digest_tz"],
    [{ tz: null }, "digest_tz"],
    [{ scope: "everyone" }, "digest_scope"],
    [{ enabled: "maybe" }, "digest_enabled"],
  ])("%j is an inline error on %s", (over, block) => {
    const r = parseSettings(form(over));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual([block]);
  });
  it("names the time zone problem in words", () => {
    const r = parseSettings(form({ tz: "Mars/Olympus" }));
    expect(r.ok ? null : r.errors.digest_tz).toMatch(/time zone/);
  });
});

describe("readSettingsForm", () => {
  it("reads a timepicker, a text input and radio buttons as Slack sends them", () => {
    const values = {
      digest_time: { digest_time: { type: "timepicker", selected_time: "07:05" } },
      digest_tz: { digest_tz: { type: "plain_text_input", value: "Asia/Tokyo" } },
      digest_scope: { digest_scope: { type: "radio_buttons", selected_option: { value: "all" } } },
      digest_enabled: { digest_enabled: { type: "radio_buttons", selected_option: null } },
    };
    expect(readSettingsForm(values)).toEqual({ time: "07:05", tz: "Asia/Tokyo", scope: "all", enabled: null });
  });
  it("reads forged shapes as missing", () => {
    expect(readSettingsForm({ digest_time: { digest_time: { selected_time: 830 } }, digest_tz: "x" })).toEqual({
      time: null,
      tz: null,
      scope: null,
      enabled: null,
    });
    expect(readSettingsForm(null)).toEqual({ time: null, tz: null, scope: null, enabled: null });
  });
});

describe("dueDay: has the manager's local time reached their digest time today?", () => {
  const s = (time: string, tz: string, enabled = true) => ({ time, tz, enabled });
  it.each([
    // now (UTC)              time     tz                    due
    ["2026-03-10T08:59:00Z", "09:00", "UTC", null],
    ["2026-03-10T09:00:00Z", "09:00", "UTC", "2026-03-10"],
    ["2026-03-10T23:59:00Z", "09:00", "UTC", "2026-03-10"],
    // New York is UTC-4 on 10 March 2026 (DST began on the 8th).
    ["2026-03-10T12:59:00Z", "09:00", "America/New_York", null],
    ["2026-03-10T13:00:00Z", "09:00", "America/New_York", "2026-03-10"],
    // Tokyo is already on the 11th.
    ["2026-03-10T23:30:00Z", "07:00", "Asia/Tokyo", "2026-03-11"],
    ["2026-03-10T21:30:00Z", "07:00", "Asia/Tokyo", null],
    // 02:30 does not exist in New York on 8 March 2026: due from 03:00 local (07:00 UTC).
    ["2026-03-08T06:59:00Z", "02:30", "America/New_York", null],
    ["2026-03-08T07:00:00Z", "02:30", "America/New_York", "2026-03-08"],
    ["2026-03-08T07:00:00Z", "00:00", "America/New_York", "2026-03-08"],
  ])("at %s, %s in %s → %s", (now, time, tz, out) => {
    expect(dueDay(s(time, tz), new Date(now))).toBe(out);
  });
  it("never when turned off", () => {
    expect(dueDay(s("00:00", "UTC", false), new Date("2026-03-10T12:00:00Z"))).toBeNull();
  });
  it("timeInTz reads the wall clock with a 24-hour clock", () => {
    expect(timeInTz(new Date("2026-03-10T00:05:00Z"), "UTC")).toBe("00:05");
    expect(timeInTz(new Date("2026-03-10T17:45:00Z"), "Europe/Berlin")).toBe("18:45");
  });
  it("one key per manager per local day", () => {
    expect(personalDigestKey(7, "2026-03-10")).toBe("7@2026-03-10");
  });
});

describe("cronTimeOfDay", () => {
  it.each([
    [{ hour: [9], minute: [0] }, "09:00"],
    [{ hour: [18, 7], minute: [45, 15] }, "07:15"],
  ])("%j → %s", (f, out) => expect(cronTimeOfDay(f)).toBe(out));
});

describe("onlyFollowed", () => {
  const snap: DigestSnapshot = {
    today: "2026-03-10",
    red: ["a", "b"],
    yellow: ["c", "d"],
    since: {
      runKey: "2026-03-09",
      newRed: ["a", "b"],
      recovered: [
        { id: "e", name: "E" },
        { id: "f", name: "F" },
      ],
    },
    undelivered: [{ runKey: "2026-03-09", destination: "C1", error: "x" }],
  };
  it("keeps the followed creators in order, and the changes about them", () => {
    expect(onlyFollowed(snap, new Set(["b", "d", "f"]))).toEqual({
      today: "2026-03-10",
      red: ["b"],
      yellow: ["d"],
      since: { runKey: "2026-03-09", newRed: ["b"], recovered: [{ id: "f", name: "F" }] },
      undelivered: [],
    });
  });
  it("follows nobody: an empty digest", () => {
    const r = onlyFollowed({ ...snap, since: null }, new Set());
    expect([r.red, r.yellow, r.since]).toEqual([[], [], null]);
  });
});
