import { dateInTz, type IsoDate } from "../../lib/dates.js";

// When did DIGEST_CRON last fire today? A replica that starts after the scheduled time must
// know whether it slept through today's digest. node-cron parses the expression (its `parse`
// expands ranges, steps and names); this walks today's candidate times in DIGEST_TZ.

/** node-cron's `parse()` result. */
export type CronFields = {
  second: number[];
  minute: number[];
  hour: number[];
  dayOfMonth: (number | string)[];
  month: number[];
  dayOfWeek: (number | string)[];
};

type Parts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partsInTz(instant: Date, tz: string): Parts {
  let f = partFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    partFormatters.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(instant)) if (x.type !== "literal") p[x.type] = Number(x.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

/** The instant at which the wall clock in `tz` reads `day` h:m:s (the later one across a DST fold). */
export function zonedTime(day: IsoDate, hour: number, minute: number, second: number, tz: string): Date {
  const [y, mo, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, hour, minute, second);
  const offsetAt = (t: number) => {
    const p = partsInTz(new Date(t), tz);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
  };
  // The offset at the guess may differ from the offset at the answer near a DST change.
  const guess = wall - offsetAt(wall);
  return new Date(wall - offsetAt(guess));
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether the cron's day fields select this calendar date (node-cron ANDs day-of-month and day-of-week). */
export function cronRunsOn(fields: CronFields, day: IsoDate): boolean {
  const [y, mo, d] = day.split("-").map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  if (!fields.month.includes(mo)) return false;
  const domOk = fields.dayOfMonth.some((v) => v === d || (v === "L" && d === lastDayOfMonth(y, mo)));
  // Only plain weekdays are understood here; nth-weekday tokens ("1#2", "5L") never match, so
  // such expressions get no catch-up rather than a wrong one.
  const dowOk = fields.dayOfWeek.some((v) => v === weekday || (v === 7 && weekday === 0));
  return domOk && dowOk;
}

/**
 * The latest time on `day` (in `tz`) at which the cron fires and which is not after `now`;
 * null when it does not fire on that day, or not yet.
 */
export function lastFireOnDay(fields: CronFields, day: IsoDate, tz: string, now: Date): Date | null {
  if (!cronRunsOn(fields, day)) return null;
  const today = dateInTz(now, tz);
  if (day > today) return null;
  // Compare wall-clock times first so at most a handful of instants are converted.
  const nowP = partsInTz(now, tz);
  const limit = day < today ? 24 * 3600 : nowP.hour * 3600 + nowP.minute * 60 + nowP.second;
  const desc = (xs: number[]) => [...xs].sort((a, b) => b - a);
  for (const h of desc(fields.hour)) {
    for (const m of desc(fields.minute)) {
      for (const s of desc(fields.second)) {
        if (h * 3600 + m * 60 + s > limit) continue;
        const t = zonedTime(day, h, m, s, tz);
        // A time skipped by a DST jump lands on another wall time; it never fired.
        if (dateInTz(t, tz) !== day || t.getTime() > now.getTime()) continue;
        const p = partsInTz(t, tz);
        if (p.hour !== h || p.minute !== m) continue;
        return t;
      }
    }
  }
  return null;
}
