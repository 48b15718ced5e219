import { z } from "zod";
import { canonicalTimeZone, dateInTz, type IsoDate } from "../../lib/dates.js";
import type { DigestSnapshot } from "../digests/digest-types.js";
import { SCOPES, SETTINGS_BLOCKS } from "./settings-ids.js";
import type { DigestSettings } from "./settings-types.js";

// Pure rules of personal digests: what the settings form accepts, when a manager's digest is
// due (taking `now`), and what a "followed only" digest keeps.

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Pick a time (HH:MM).");

export const settingsSchema = z.object({
  time: timeOfDay,
  tz: z.string().transform((v, ctx) => {
    const tz = canonicalTimeZone(v);
    if (!tz) ctx.addIssue({ code: "custom", message: "Not a time zone I know. Use a name like Europe/London or America/New_York." });
    return tz ?? v;
  }),
  scope: z.enum(SCOPES, { message: "Pick all creators or only those you follow." }),
  enabled: z.enum(["on", "off"], { message: "Pick whether to get the digest." }).transform((v) => v === "on"),
});

const FIELD_BLOCK: Record<keyof DigestSettings, string> = {
  time: SETTINGS_BLOCKS.time,
  tz: SETTINGS_BLOCKS.tz,
  scope: SETTINGS_BLOCKS.scope,
  enabled: SETTINGS_BLOCKS.enabled,
};

/** The modal's state values (each input's action id is its block id); anything forged is simply invalid. */
export function readSettingsForm(values: unknown): Record<keyof DigestSettings, string | null> {
  const v = (values && typeof values === "object" ? values : {}) as Record<string, Record<string, Record<string, unknown>> | undefined>;
  const el = (block: string) => {
    const e = v[block]?.[block];
    if (!e || typeof e !== "object") return null;
    const x = e.selected_time ?? e.value ?? (e.selected_option as { value?: unknown } | null | undefined)?.value ?? null;
    return typeof x === "string" ? x : null;
  };
  return { time: el(SETTINGS_BLOCKS.time), tz: el(SETTINGS_BLOCKS.tz), scope: el(SETTINGS_BLOCKS.scope), enabled: el(SETTINGS_BLOCKS.enabled) };
}

export type ParsedSettings = { ok: true; data: DigestSettings } | { ok: false; errors: Record<string, string> };

/** The form as settings, or the inline error of each input that needs fixing (keyed by block id). */
export function parseSettings(form: Record<keyof DigestSettings, string | null>): ParsedSettings {
  const r = settingsSchema.safeParse(form);
  if (r.success) return { ok: true, data: r.data };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const field = issue.path[0] as keyof DigestSettings;
    const block = FIELD_BLOCK[field];
    if (block && !errors[block]) errors[block] = issue.code === "invalid_type" ? "Required." : issue.message;
  }
  return { ok: false, errors };
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time ("HH:MM") of an instant in a time zone. */
export function timeInTz(instant: Date, tz: string): string {
  let f = clockFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hourCycle: "h23", hour: "2-digit", minute: "2-digit" });
    clockFormatters.set(tz, f);
  }
  return f.format(instant);
}

/**
 * The local day whose digest is due at `now`, or null: enabled, and the manager's wall clock has
 * reached their time today. A time skipped by a DST jump is reached at the first minute after
 * it, so no day goes without. Whether today's was already sent is the job key's business.
 */
export function dueDay(s: Pick<DigestSettings, "time" | "tz" | "enabled">, now: Date): IsoDate | null {
  if (!s.enabled) return null;
  return timeInTz(now, s.tz) >= s.time ? dateInTz(now, s.tz) : null;
}

/** One personal digest per manager per local day: the job's dedupe key. */
export const personalDigestKey = (userId: number, localDay: IsoDate) => `${userId}@${localDay}`;

/**
 * The day's digest cut to the creators someone follows: the same rows in the same order, and
 * "since" counts only about them. Undelivered channel posts are the channel's concern.
 */
export function onlyFollowed(s: DigestSnapshot, followed: ReadonlySet<string>): DigestSnapshot {
  const keep = (id: string) => followed.has(id);
  return {
    ...s,
    red: s.red.filter(keep),
    yellow: s.yellow.filter(keep),
    since: s.since && { ...s.since, newRed: s.since.newRed.filter(keep), recovered: s.since.recovered.filter((r) => keep(r.id)) },
    undelivered: [],
  };
}

/** "HH:MM" of the channel digest's first time of day (DIGEST_CRON's fields), the form's default. */
export function cronTimeOfDay(fields: { hour: number[]; minute: number[] }): string {
  const h = Math.min(...fields.hour);
  const m = Math.min(...fields.minute);
  if (!Number.isInteger(h) || !Number.isInteger(m)) return "09:00";
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}
