import { describe, expect, it } from "vitest";
import { afterFailure, backoffMs, DEFAULT_BACKOFF, fireSlotKey, safeError } from "../../src/jobs/jobs-fns.js";

const now = new Date("2026-12-04T09:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms);

describe("backoffMs", () => {
  it.each([
    [1, 0.5, 5_000],
    [2, 0.5, 15_000],
    [3, 0.5, 45_000],
    [4, 0.5, 135_000],
    [5, 0.5, 405_000],
    [6, 0.5, 600_000], // capped at 10 minutes
    [50, 0.5, 600_000],
    [0, 0.5, 5_000], // nonsense attempts count as the first
    [1, 0, 4_000], // -20% jitter
    [1, 0.999999, 6_000], // +20% jitter
    [1, 7, 6_000], // rand out of range is clamped
  ])("attempt %i, rand %f: %i ms", (attempt, rand, ms) => {
    expect(backoffMs(attempt, DEFAULT_BACKOFF, rand)).toBe(ms);
  });
});

describe("afterFailure", () => {
  const job = (attempts: number, maxAttempts = 5, deadlineAt: Date | null = null) => ({ attempts, maxAttempts, deadlineAt });
  it.each([
    ["first failure: retried after the base delay", job(1), false, { action: "retry", runAt: at(5_000) }],
    ["fourth failure of five: retried later", job(4), false, { action: "retry", runAt: at(135_000) }],
    ["out of attempts: dead", job(5), false, { action: "dead", reason: "gave up after 5 attempts" }],
    ["more attempts than allowed (a crash loop): dead", job(7), false, { action: "dead", reason: "gave up after 7 attempts" }],
    ["permanent (a 4xx): dead at once", job(1), true, { action: "dead", reason: "permanent failure" }],
    ["retry would land after the deadline (an expired response_url): dead", job(1, 5, at(4_000)), false, { action: "dead", reason: "its deadline passed" }],
    ["retry lands before the deadline: retried", job(1, 5, at(60_000)), false, { action: "retry", runAt: at(5_000) }],
  ])("%s", (_name, j, permanent, expected) => {
    expect(afterFailure(j, { permanent }, now, DEFAULT_BACKOFF, 0.5)).toEqual(expected);
  });
});

describe("fireSlotKey", () => {
  it("is the same for every replica firing the slot, whatever the milliseconds", () => {
    expect(fireSlotKey("digest", new Date("2026-12-04T09:00:00.000Z"))).toBe("digest@2026-12-04T09:00:00.000Z");
    expect(fireSlotKey("digest", new Date("2026-12-04T09:00:00.870Z"))).toBe("digest@2026-12-04T09:00:00.000Z");
  });
  it("differs between slots and between schedules", () => {
    const a = fireSlotKey("digest", new Date("2026-12-04T09:00:00Z"));
    expect(fireSlotKey("digest", new Date("2026-12-04T09:05:00Z"))).not.toBe(a);
    expect(fireSlotKey("vault-expire-reveals", new Date("2026-12-04T09:00:00Z"))).not.toBe(a);
  });
});

describe("safeError", () => {
  it("keeps the message, never a URL (a response_url is a bearer credential)", () => {
    expect(safeError(new Error("POST https://hooks.slack.com/actions/T0/123/abcSECRET failed"))).toBe("POST [url] failed");
  });
  it("names non-generic errors, clips, and copes with non-errors", () => {
    expect(safeError(new TypeError("fetch failed"))).toBe("TypeError: fetch failed");
    expect(safeError("x".repeat(900))).toHaveLength(500);
    expect(safeError(undefined)).toBe("undefined");
    expect(safeError(new Error(""))).toBe("unknown error");
  });
});
