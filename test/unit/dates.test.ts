import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addDays, dayNumber, daysBetween, fromDbDate, toDbDate } from "../../src/lib/dates.js";

const DAY_MS = 86_400_000;
/** What daysBetween computed through Date before it counted in integers. */
const byDate = (d: string) => Math.round(toDbDate(d).getTime() / DAY_MS);

describe("dayNumber", () => {
  it.each([
    ["1970-01-01", 0],
    ["1969-12-31", -1],
    ["2000-02-29", 11_016],
    ["2000-03-01", 11_017],
    ["2026-12-06", 20_793],
    ["1900-03-01", -25_508],
    ["0001-01-01", -719_162],
  ])("%s is day %i", (d, n) => {
    expect(dayNumber(d)).toBe(n);
    expect(dayNumber(d)).toBe(byDate(d));
  });

  it("agrees with Date for every day from 1600 to 2400", () => {
    fc.assert(
      fc.property(fc.integer({ min: byDate("1600-01-01"), max: byDate("2400-12-31") }), (n) => {
        const d = fromDbDate(new Date(n * DAY_MS))!;
        expect(dayNumber(d)).toBe(n);
      }),
      { numRuns: 5_000 },
    );
  });

  it.each(["", "2026-1-01", "2026/01/01", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "20a6-01-01", "2026-01-01T00:00"])(
    "%j is not a date: NaN",
    (d) => {
      expect(dayNumber(d)).toBeNaN();
    },
  );
});

describe("daysBetween", () => {
  it.each([
    ["2026-02-28", "2026-03-01", 1],
    ["2024-02-28", "2024-03-01", 2],
    ["2026-12-31", "2027-01-01", 1],
    ["2027-01-01", "2026-12-31", -1],
    ["2026-03-29", "2026-03-30", 1], // a DST change in Europe: calendar days, not hours
  ])("%s to %s: %i", (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
  });

  it("inverts addDays", () => {
    fc.assert(
      fc.property(fc.integer({ min: byDate("1900-01-01"), max: byDate("2200-01-01") }), fc.integer({ min: -5_000, max: 5_000 }), (n, k) => {
        const d = fromDbDate(new Date(n * DAY_MS))!;
        expect(daysBetween(d, addDays(d, k))).toBe(k);
      }),
    );
  });
});
