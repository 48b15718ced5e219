// Calendar dates are "YYYY-MM-DD" strings in the studio's time zone (DIGEST_TZ). Postgres DATE
// columns come back from Prisma as UTC-midnight Dates; these helpers convert at the edges.

export type IsoDate = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone. */
export function dateInTz(instant: Date, tz: string): IsoDate {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(tz, f);
  }
  return f.format(instant);
}

/**
 * The canonical IANA name of a time zone Intl knows ("europe/london" → "Europe/London"), else
 * null. Asking Intl builds a formatter (about 0.1 ms, and a New creator form asks before its
 * ack), so the answers for names it knows are kept; a name it refuses is not, so forged names
 * cannot grow the map, and at most MAX_KNOWN_TZ spellings are kept.
 */
export function canonicalTimeZone(name: string): string | null {
  const n = name.trim();
  if (n === "" || n.length > MAX_TZ) return null;
  const known = canonicalTz.get(n);
  if (known !== undefined) return known;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone: n }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  if (canonicalTz.size < MAX_KNOWN_TZ) canonicalTz.set(n, canonical);
  return canonical;
}

const MAX_TZ = 64;
const MAX_KNOWN_TZ = 2_000;
const canonicalTz = new Map<string, string>();

/** A DATE column's value (UTC midnight) as an IsoDate. */
export function fromDbDate(d: Date | null | undefined): IsoDate | null {
  return d ? d.toISOString().slice(0, 10) : null;
}

/** An IsoDate as the Date Prisma writes to a DATE column. */
export function toDbDate(d: IsoDate): Date {
  return new Date(`${d}T00:00:00.000Z`);
}

export function addDays(d: IsoDate, days: number): IsoDate {
  const t = toDbDate(d);
  t.setUTCDate(t.getUTCDate() + days);
  return fromDbDate(t)!;
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayNumber(b) - dayNumber(a);
}

/**
 * Days since 1970-01-01 of a "YYYY-MM-DD" date, in integer arithmetic (the proleptic Gregorian
 * calendar, as Date counts): health scoring asks this several times for each of 100,000
 * creators a night, and building and parsing a Date string each time cost more than the rules.
 * NaN for anything else.
 */
export function dayNumber(d: IsoDate): number {
  if (d.length !== 10 || d.charCodeAt(4) !== 45 || d.charCodeAt(7) !== 45) return Number.NaN;
  const y0 = digits(d, 0, 4);
  const m = digits(d, 5, 7);
  const day = digits(d, 8, 10);
  if (!(m >= 1 && m <= 12 && day >= 1 && day <= 31)) return Number.NaN;
  // Howard Hinnant's days_from_civil: years start in March, so a leap day ends its year.
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

export function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && fromDbDate(toDbDate(s)) === s;
}
