import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addDays, dateInTz, type IsoDate } from "../../src/lib/dates.js";
import {
  computeHealth,
  isTracked,
  SCORE_RANK,
  summariseMilestones,
  THRESHOLDS,
  type HealthInput,
  type HealthScore,
} from "../../src/features/health/health-fns.js";

const TODAY = "2026-06-15";
const at = (d: IsoDate, time = "12:00:00") => new Date(`${d}T${time}Z`);
const ago = (n: number) => addDays(TODAY, -n);

/** A creator with nothing wrong: LIVE (no stall rule), contacted today, no follow-up, no milestones. */
function input(o: Partial<HealthInput> & { overdue?: { count: number; oldestDaysAgo: number } } = {}): HealthInput {
  const { overdue, ...rest } = o;
  return {
    journeyStatus: "LIVE",
    isActive: true,
    lastContactedDate: TODAY,
    nextFollowUpDate: null,
    createdAt: at(ago(400)),
    lastStatusChange: at(ago(400)),
    milestones: overdue ? { overdueCount: overdue.count, oldestOverdueTarget: ago(overdue.oldestDaysAgo) } : { overdueCount: 0, oldestOverdueTarget: null },
    ...rest,
  };
}

type Case = [name: string, input: HealthInput, score: HealthScore, reasons: string[]];

describe("computeHealth: every rule edge (the contract's thresholds)", () => {
  const cases: Case[] = [
    ["nothing wrong", input(), "GREEN", []],
    // milestones: past target = YELLOW, more than 7 days past = RED
    ["milestone due today is not overdue", input({ milestones: summariseMilestones([{ targetDate: TODAY, isCompleted: false }], TODAY) }), "GREEN", []],
    ["milestone 1 day overdue", input({ overdue: { count: 1, oldestDaysAgo: 1 } }), "YELLOW", ["1 milestone overdue by 1 day"]],
    ["milestone exactly 7 days overdue", input({ overdue: { count: 1, oldestDaysAgo: 7 } }), "YELLOW", ["1 milestone overdue by 7 days"]],
    ["milestone 8 days overdue", input({ overdue: { count: 1, oldestDaysAgo: 8 } }), "RED", ["1 milestone overdue by 8 days"]],
    ["2 milestones, the oldest 12 days", input({ overdue: { count: 2, oldestDaysAgo: 12 } }), "RED", ["2 milestones overdue, the oldest by 12 days"]],
    // follow-up: past = YELLOW, more than 7 days past = RED
    ["follow-up today", input({ nextFollowUpDate: TODAY }), "GREEN", []],
    ["follow-up in the future", input({ nextFollowUpDate: addDays(TODAY, 3) }), "GREEN", []],
    ["follow-up 1 day past", input({ nextFollowUpDate: ago(1) }), "YELLOW", ["follow-up overdue by 1 day"]],
    ["follow-up exactly 7 days past", input({ nextFollowUpDate: ago(7) }), "YELLOW", ["follow-up overdue by 7 days"]],
    ["follow-up 8 days past", input({ nextFollowUpDate: ago(8) }), "RED", ["follow-up overdue by 8 days"]],
    // no contact: more than 14 = YELLOW, more than 30 = RED
    ["contacted exactly 14 days ago", input({ lastContactedDate: ago(14) }), "GREEN", []],
    ["contacted 15 days ago", input({ lastContactedDate: ago(15) }), "YELLOW", ["no contact for 15 days"]],
    ["contacted 19 days ago", input({ lastContactedDate: ago(19) }), "YELLOW", ["no contact for 19 days"]],
    ["contacted exactly 30 days ago", input({ lastContactedDate: ago(30) }), "YELLOW", ["no contact for 30 days"]],
    ["contacted 31 days ago", input({ lastContactedDate: ago(31) }), "RED", ["no contact for 31 days"]],
    // "no contact" counts from created_at where last_contacted_date is empty
    ["never contacted, created 14 days ago", input({ lastContactedDate: null, createdAt: at(ago(14)) }), "GREEN", []],
    ["never contacted, created 15 days ago", input({ lastContactedDate: null, createdAt: at(ago(15)) }), "YELLOW", ["no contact for 15 days"]],
    ["never contacted, created 31 days ago", input({ lastContactedDate: null, createdAt: at(ago(31)) }), "RED", ["no contact for 31 days"]],
    ["contacted recently, created long ago", input({ lastContactedDate: ago(2), createdAt: at(ago(900)) }), "GREEN", []],
    // status unchanged for more than 45 days in ONBOARDING, BRAND_BUILDING, LAUNCH
    ["ONBOARDING for exactly 45 days", input({ journeyStatus: "ONBOARDING", lastStatusChange: at(ago(45)) }), "GREEN", []],
    ["ONBOARDING for 46 days", input({ journeyStatus: "ONBOARDING", lastStatusChange: at(ago(46)) }), "YELLOW", ["in onboarding for 46 days"]],
    ["BRAND_BUILDING for 46 days", input({ journeyStatus: "BRAND_BUILDING", lastStatusChange: at(ago(46)) }), "YELLOW", ["in brand building for 46 days"]],
    ["LAUNCH for exactly 45 days", input({ journeyStatus: "LAUNCH", lastStatusChange: at(ago(45)) }), "GREEN", []],
    ["LAUNCH for 46 days", input({ journeyStatus: "LAUNCH", lastStatusChange: at(ago(46)) }), "YELLOW", ["in launch for 46 days"]],
    ["LIVE for 400 days is not a stall", input({ journeyStatus: "LIVE", lastStatusChange: at(ago(400)) }), "GREEN", []],
    // several at once: RED reasons first, then the YELLOW ones
    [
      "RED and YELLOW reasons together",
      input({
        journeyStatus: "ONBOARDING",
        lastStatusChange: at(ago(50)),
        overdue: { count: 3, oldestDaysAgo: 9 },
        nextFollowUpDate: ago(2),
        lastContactedDate: ago(20),
      }),
      "RED",
      ["3 milestones overdue, the oldest by 9 days", "follow-up overdue by 2 days", "no contact for 20 days", "in onboarding for 50 days"],
    ],
    // not tracked: PAUSED, CLOSED, inactive: GREEN with a reason saying so, whatever else is true
    [
      "PAUSED with everything overdue",
      input({ journeyStatus: "PAUSED", overdue: { count: 4, oldestDaysAgo: 60 }, lastContactedDate: ago(90) }),
      "GREEN",
      ["paused: health not tracked"],
    ],
    [
      "CLOSED with everything overdue",
      input({ journeyStatus: "CLOSED", nextFollowUpDate: ago(40), lastContactedDate: null, createdAt: at(ago(300)) }),
      "GREEN",
      ["closed: health not tracked"],
    ],
    [
      "inactive (archived) with everything overdue",
      input({ isActive: false, journeyStatus: "ONBOARDING", lastStatusChange: at(ago(99)), lastContactedDate: ago(99) }),
      "GREEN",
      ["archived: health not tracked"],
    ],
  ];

  it.each(cases)("%s", (_name, c, score, reasons) => {
    expect(computeHealth(c, TODAY, "UTC")).toEqual({ score, reasons });
  });

  it("names each threshold once, with the contract's values", () => {
    expect(THRESHOLDS).toEqual({ overdueRedDays: 7, noContactYellowDays: 14, noContactRedDays: 30, stalledStatusDays: 45 });
  });

  it("isTracked: only active creators outside PAUSED and CLOSED", () => {
    expect(isTracked({ journeyStatus: "LIVE", isActive: true })).toBe(true);
    expect(isTracked({ journeyStatus: "ONBOARDING", isActive: true })).toBe(true);
    expect(isTracked({ journeyStatus: "PAUSED", isActive: true })).toBe(false);
    expect(isTracked({ journeyStatus: "CLOSED", isActive: true })).toBe(false);
    expect(isTracked({ journeyStatus: "LIVE", isActive: false })).toBe(false);
  });
});

describe("summariseMilestones", () => {
  it("counts open milestones past their target date and finds the oldest", () => {
    const s = summariseMilestones(
      [
        { targetDate: ago(3), isCompleted: false },
        { targetDate: ago(12), isCompleted: false },
        { targetDate: ago(40), isCompleted: true }, // done: never overdue
        { targetDate: TODAY, isCompleted: false }, // due today: not past
        { targetDate: addDays(TODAY, 5), isCompleted: false },
        { targetDate: null, isCompleted: false }, // no target: never overdue
      ],
      TODAY,
    );
    expect(s).toEqual({ overdueCount: 2, oldestOverdueTarget: ago(12) });
  });

  it("is empty for no milestones", () => {
    expect(summariseMilestones([], TODAY)).toEqual({ overdueCount: 0, oldestOverdueTarget: null });
  });
});

describe("time zone: calendar dates are DIGEST_TZ's", () => {
  // 2026-03-10T07:00Z is midnight in Los Angeles (PDT, UTC-7, since 8 March).
  const tz = "America/Los_Angeles";
  const milestone7or8 = (now: Date) => {
    const today = dateInTz(now, tz);
    return {
      today,
      health: computeHealth(
        input({ milestones: summariseMilestones([{ targetDate: "2026-03-02", isCompleted: false }], today), lastContactedDate: today }),
        today,
        tz,
      ),
    };
  };

  it("a second before midnight in DIGEST_TZ it is still the previous day: 7 days overdue, YELLOW", () => {
    const r = milestone7or8(new Date("2026-03-10T06:59:59Z"));
    expect(r.today).toBe("2026-03-09");
    expect(r.health).toEqual({ score: "YELLOW", reasons: ["1 milestone overdue by 7 days"] });
  });

  it("at midnight in DIGEST_TZ the day turns: 8 days overdue, RED (while UTC turned 7 hours earlier)", () => {
    const r = milestone7or8(new Date("2026-03-10T07:00:00Z"));
    expect(r.today).toBe("2026-03-10");
    expect(r.health.score).toBe("RED");
    expect(dateInTz(new Date("2026-03-10T06:59:59Z"), "UTC")).toBe("2026-03-10");
  });

  it("created_at is read as a calendar date in DIGEST_TZ, not UTC", () => {
    // 15:30Z on 31 May is 00:30 on 1 June in Tokyo: 14 days before the 15th there, 15 in UTC.
    const c = input({ lastContactedDate: null, createdAt: new Date("2026-05-31T15:30:00Z") });
    expect(computeHealth(c, "2026-06-15", "Asia/Tokyo")).toEqual({ score: "GREEN", reasons: [] });
    expect(computeHealth(c, "2026-06-15", "UTC")).toEqual({ score: "YELLOW", reasons: ["no contact for 15 days"] });
  });

  it("last_status_change is read as a calendar date in DIGEST_TZ", () => {
    // 23:30 UTC on 30 April is 1 May in Berlin: 45 days before 15 June there, 46 in UTC.
    const c = input({ journeyStatus: "LAUNCH", lastStatusChange: new Date("2026-04-30T23:30:00Z") });
    expect(computeHealth(c, TODAY, "Europe/Berlin").score).toBe("GREEN");
    expect(computeHealth(c, TODAY, "UTC")).toEqual({ score: "YELLOW", reasons: ["in launch for 46 days"] });
  });
});

describe("properties", () => {
  const tracked = fc.constantFrom("ONBOARDING", "BRAND_BUILDING", "LAUNCH", "LIVE");
  const base = fc.record({
    journeyStatus: tracked,
    contactDaysAgo: fc.option(fc.integer({ min: -5, max: 120 }), { nil: null }),
    createdDaysAgo: fc.integer({ min: 0, max: 400 }),
    followUpOffset: fc.option(fc.integer({ min: -60, max: 60 }), { nil: null }),
    statusDaysAgo: fc.integer({ min: 0, max: 200 }),
    overdueCount: fc.integer({ min: 0, max: 5 }),
    overdueDays: fc.integer({ min: 1, max: 100 }),
  });
  type Base = typeof base extends fc.Arbitrary<infer T> ? T : never;
  const build = (b: Base, patch: Partial<Base> = {}): HealthInput => {
    const x = { ...b, ...patch };
    return input({
      journeyStatus: x.journeyStatus,
      lastContactedDate: x.contactDaysAgo === null ? null : ago(x.contactDaysAgo),
      createdAt: at(ago(x.createdDaysAgo)),
      nextFollowUpDate: x.followUpOffset === null ? null : addDays(TODAY, x.followUpOffset),
      lastStatusChange: at(ago(x.statusDaysAgo)),
      milestones:
        x.overdueCount > 0 ? { overdueCount: x.overdueCount, oldestOverdueTarget: ago(x.overdueDays) } : { overdueCount: 0, oldestOverdueTarget: null },
    });
  };
  const rank = (c: HealthInput) => SCORE_RANK[computeHealth(c, TODAY, "UTC").score];

  it("more overdue days on the oldest milestone never give a better score", () => {
    fc.assert(
      fc.property(base, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), (b, d, more) => {
        const count = Math.max(1, b.overdueCount);
        expect(rank(build(b, { overdueCount: count, overdueDays: d + more }))).toBeLessThanOrEqual(rank(build(b, { overdueCount: count, overdueDays: d })));
      }),
      { numRuns: 500 },
    );
  });

  it("a milestone becoming overdue never improves the score", () => {
    fc.assert(
      fc.property(base, (b) => {
        expect(rank(build(b, { overdueCount: b.overdueCount + 1 }))).toBeLessThanOrEqual(rank(build(b, { overdueCount: 0 })));
      }),
      { numRuns: 300 },
    );
  });

  it("more days without contact never give a better score (last_contacted_date and created_at alike)", () => {
    fc.assert(
      fc.property(base, fc.integer({ min: -5, max: 120 }), fc.integer({ min: 0, max: 100 }), (b, d, more) => {
        expect(rank(build(b, { contactDaysAgo: d + more }))).toBeLessThanOrEqual(rank(build(b, { contactDaysAgo: d })));
        expect(rank(build(b, { contactDaysAgo: null, createdDaysAgo: Math.max(0, d) + more }))).toBeLessThanOrEqual(
          rank(build(b, { contactDaysAgo: null, createdDaysAgo: Math.max(0, d) })),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("a follow-up further in the past never gives a better score", () => {
    fc.assert(
      fc.property(base, fc.integer({ min: -60, max: 60 }), fc.integer({ min: 0, max: 60 }), (b, off, more) => {
        expect(rank(build(b, { followUpOffset: off - more }))).toBeLessThanOrEqual(rank(build(b, { followUpOffset: off })));
      }),
      { numRuns: 300 },
    );
  });

  it("a tracked creator is GREEN exactly when there is no reason; every reason names a number of days", () => {
    fc.assert(
      fc.property(base, (b) => {
        const h = computeHealth(build(b), TODAY, "UTC");
        expect(h.score === "GREEN").toBe(h.reasons.length === 0);
        for (const r of h.reasons) expect(r).toMatch(/\d+ days?/);
      }),
      { numRuns: 500 },
    );
  });

  it("PAUSED, CLOSED and inactive creators are GREEN (not tracked) whatever their dates", () => {
    fc.assert(
      fc.property(base, fc.constantFrom("PAUSED", "CLOSED", "inactive"), (b, kind) => {
        const c = kind === "inactive" ? { ...build(b), isActive: false } : build(b, { journeyStatus: kind as never });
        const h = computeHealth(c, TODAY, "UTC");
        expect(h.score).toBe("GREEN");
        expect(h.reasons).toHaveLength(1);
        expect(h.reasons[0]).toMatch(/not tracked/);
      }),
      { numRuns: 200 },
    );
  });
});
