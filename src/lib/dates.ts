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
  return Math.round((toDbDate(b).getTime() - toDbDate(a).getTime()) / 86_400_000);
}

export function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && fromDbDate(toDbDate(s)) === s;
}
