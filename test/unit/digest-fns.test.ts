import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { clampPage, isSnoozed, orderEntries, packMessages, SNOOZE_DAYS, snoozeUntil, type Unit } from "../../src/features/digests/digest-fns.js";
import { addDays } from "../../src/lib/dates.js";

const e = (id: string, score: "RED" | "YELLOW", priority: number, changed: string, brandName = id) => ({
  id,
  score,
  priority,
  lastStatusChange: new Date(changed),
  brandName,
});

describe("orderEntries", () => {
  it("puts RED before YELLOW, then priority 1 before 5, then the oldest status change first", () => {
    const list = [
      e("y-p1-old", "YELLOW", 1, "2026-01-01"),
      e("r-p3-new", "RED", 3, "2026-10-01"),
      e("r-p3-old", "RED", 3, "2026-02-01"),
      e("r-p1-new", "RED", 1, "2026-11-01"),
      e("y-p2", "YELLOW", 2, "2025-01-01"),
    ];
    expect(orderEntries(list).map((x) => x.id)).toEqual(["r-p1-new", "r-p3-old", "r-p3-new", "y-p1-old", "y-p2"]);
  });

  it("is a total, deterministic order (same input in any order gives the same output)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.uuid(),
            score: fc.constantFrom("RED" as const, "YELLOW" as const),
            priority: fc.integer({ min: 1, max: 5 }),
            lastStatusChange: fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }),
            brandName: fc.constantFrom("A", "B", "b", "Ä"),
          }),
          { maxLength: 40 },
        ),
        (list) => {
          const a = orderEntries(list).map((x) => x.id);
          const b = orderEntries([...list].reverse()).map((x) => x.id);
          expect(a).toEqual(b);
        },
      ),
    );
  });
});

describe("snoozeUntil (Snooze 3 days)", () => {
  // `now` is an instant; the day is the studio's (DIGEST_TZ).
  const cases: [string, string | null, string, string, string][] = [
    ["no snooze yet: today + 3", null, "2026-12-04T10:00:00Z", "UTC", "2026-12-07"],
    ["a shorter snooze is extended", "2026-12-05", "2026-12-04T10:00:00Z", "UTC", "2026-12-07"],
    ["a longer snooze is never pulled earlier", "2026-12-25", "2026-12-04T10:00:00Z", "UTC", "2026-12-25"],
    ["the same day twice: unchanged", "2026-12-07", "2026-12-04T23:00:00Z", "UTC", "2026-12-07"],
    ["the studio's day, not UTC's (Auckland is already on the 5th)", null, "2026-12-04T12:00:00Z", "Pacific/Auckland", "2026-12-08"],
    ["across a month end", null, "2026-12-30T09:00:00Z", "UTC", "2027-01-02"],
  ];
  it.each(cases)("%s", (_name, current, now, tz, expected) => {
    expect(snoozeUntil(current, new Date(now), tz)).toBe(expected);
  });

  it("is never earlier than the current snooze nor than today + 3 (any dates)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }),
        fc.option(fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))),
        (now, current) => {
          const until = snoozeUntil(current, now, "UTC");
          expect(until >= addDays(now.toISOString().slice(0, 10), SNOOZE_DAYS)).toBe(true);
          if (current) expect(until >= current).toBe(true);
        },
      ),
    );
  });
});

describe("isSnoozed", () => {
  it.each([
    [null, "2026-12-04", false],
    ["2026-12-07", "2026-12-04", true],
    ["2026-12-07", "2026-12-06", true],
    ["2026-12-07", "2026-12-07", false], // the snooze has ended: in that day's digest again
    ["2026-12-07", "2026-12-10", false],
  ] as const)("until %s, on %s: %s", (until, today, expected) => {
    expect(isSnoozed(until, today)).toBe(expected);
  });
});

describe("clampPage (See all's page number may be forged)", () => {
  it.each([
    ["0", 60, { page: 0, pages: 6 }],
    ["5", 60, { page: 5, pages: 6 }],
    ["6", 60, { page: 5, pages: 6 }],
    ["999999", 60, { page: 5, pages: 6 }],
    ["-1", 60, { page: 0, pages: 6 }],
    ["1e3", 60, { page: 0, pages: 6 }],
    [undefined, 60, { page: 0, pages: 6 }],
    ["3", 0, { page: 0, pages: 1 }],
    ["1", 11, { page: 1, pages: 2 }],
  ] as const)("value %s of %i creators", (value, total, expected) => {
    expect(clampPage(value, total)).toEqual(expected);
  });
});

describe("packMessages", () => {
  const opts = {
    maxBlocks: 10,
    continuedHeading: (g: string) => `cont:${g}`,
    partLabel: (i: number, n: number) => `part:${i + 1}/${n}`,
  };
  const rows = (group: string, n: number): Unit<string>[] => [
    { group, heading: true, blocks: [`h:${group}`] },
    ...Array.from({ length: n }, (_, i) => ({ group, blocks: [`${group}${i}`, `${group}${i}.act`] })),
  ];

  it("keeps a short digest in one message without part labels", () => {
    expect(packMessages(["hdr"], rows("R", 2), opts)).toEqual([["hdr", "h:R", "R0", "R0.act", "R1", "R1.act"]]);
  });

  it("never splits a row, never leaves a heading last, repeats the heading when a group continues", () => {
    const out = packMessages(["hdr1", "hdr2"], [...rows("R", 5), ...rows("Y", 5)], opts);
    for (const m of out) {
      expect(m.length).toBeLessThanOrEqual(10);
      const body = m.filter((b) => !b.startsWith("part:"));
      expect(body.at(-1)!.startsWith("h:")).toBe(false);
      for (let i = 0; i < body.length; i++) if (/^[RY]\d+$/.test(body[i]!)) expect(body[i + 1]).toBe(`${body[i]}.act`);
    }
    const flat = out.flat().filter((b) => /^[RY]\d+$/.test(b));
    expect(flat).toEqual([0, 1, 2, 3, 4].map((i) => `R${i}`).concat([0, 1, 2, 3, 4].map((i) => `Y${i}`)));
    expect(out[0]!.at(-1)).toBe(`part:1/${out.length}`);
    expect(out.slice(1).every((m, i) => m[0] === `part:${i + 2}/${out.length}`)).toBe(true);
    expect(out.some((m) => m.includes("cont:R") || m.includes("cont:Y"))).toBe(true);
  });

  it("holds for any mix of groups and sizes (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 4 }), (r, y, h) => {
        const units = [...(r ? rows("R", r) : []), ...(y ? rows("Y", y) : [])];
        const out = packMessages(
          Array.from({ length: h }, (_, i) => `hdr${i}`),
          units,
          opts,
        );
        expect(out.every((m) => m.length <= 10)).toBe(true);
        expect(out.flat().filter((b) => /^[RY]\d+$/.test(b))).toHaveLength(r + y);
      }),
    );
  });
});
