import { addDays, dateInTz, type IsoDate } from "../../lib/dates.js";

// The audit export's rules, pure: which date ranges are accepted, and how a value becomes a
// CSV cell that neither breaks the file nor runs as a formula in a spreadsheet.

/** Rows read per query: the export never holds more than one batch of the result. */
export const EXPORT_BATCH_SIZE = 1_000;

/** A year and a day: an access review covers a year; more is a different job. */
export const MAX_EXPORT_DAYS = 366;

export type ExportRange = Readonly<{ from: IsoDate; to: IsoDate }>;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (no 2026-02-30), or null. */
export function parseIsoDate(s: string): IsoDate | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s ? s : null;
}

/**
 * `<from> <to>` (both inclusive, calendar dates in the studio's time zone), or why not.
 * `to` may not be after today: a range into the future would look complete and not be.
 */
export function parseExportRange(args: string, now: Date, tz: string): ExportRange | { error: string } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (words.length !== 2) return { error: "Give two dates: `/wl audit export <from> <to>`, e.g. `/wl audit export 2026-01-01 2026-03-31`." };
  const [from, to] = words.map(parseIsoDate);
  if (!from || !to) return { error: "Dates are written YYYY-MM-DD and must exist, e.g. `2026-01-31`." };
  if (from > to) return { error: "The first date must not be after the second." };
  const today = dateInTz(now, tz);
  if (to > today) return { error: `The range may not end after today (${today}).` };
  if (addDays(from, MAX_EXPORT_DAYS - 1) < to) return { error: `A range may cover at most ${MAX_EXPORT_DAYS} days; split it into several exports.` };
  return { from, to };
}

/** Characters a spreadsheet reads as the start of a formula (OWASP's list, plus tab and CR). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180). A value a spreadsheet would evaluate (=HYPERLINK(…), +cmd, @SUM,
 * -2+3) gets a leading apostrophe, so Excel, Numbers and Sheets show it as text: reveal reasons
 * and display names are typed by users, and an access review is opened by an admin.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s = value instanceof Date ? value.toISOString() : typeof value === "string" ? value : JSON.stringify(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(",")}\r\n`;

export const EXPORT_COLUMNS = [
  "when_utc",
  "who",
  "who_slack_id",
  "action",
  "what",
  "target_id",
  "target",
  "change",
  "reason",
  "approver",
  "approver_slack_id",
  "notes",
] as const;

export const exportFileName = (r: ExportRange): string => `wavelaunch-audit-${r.from}-to-${r.to}.csv`;

/** An audit row's `changes` in a few words: "status: PENDING → APPROVED; decided_by_id: → 3". */
export function describeChange(changes: unknown): string {
  if (!changes || typeof changes !== "object" || Array.isArray(changes)) return "";
  const show = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
  return Object.entries(changes as Record<string, unknown>)
    .map(([k, v]) => {
      if (v && typeof v === "object" && !Array.isArray(v) && "from" in v && "to" in v) {
        const c = v as { from: unknown; to: unknown };
        return `${k}: ${show(c.from)} → ${show(c.to)}`;
      }
      return `${k}: ${show(v)}`;
    })
    .join("; ");
}
