import { z } from "zod";
import { canonicalTimeZone, isIsoDate } from "../../lib/dates.js";
import { codePoints, FORM_COLUMNS, hasUnstorable, JOURNEY_STATUSES, stripUnstorable, TAG_MAX, type FormColumn } from "./creator-fns.js";
import { parseKeyValueLines, parseLinkLines, type LinesResult } from "./creator-json-inputs.js";

// ONE schema for the New and Edit creator forms (and one for the status form). Input is the
// text Slack sends per block (block_id = column); output is what gets stored. Lengths are
// the seed's VARCHAR sizes, counted in code points as Postgres counts them.

/** The seed's VARCHAR lengths; TEXT columns are capped at Slack's 3000-char input limit. */
export const MAX: Record<FormColumn, number> = {
  creator_name: 200,
  creator_email: 254,
  creator_phone: 20,
  creator_location: 200,
  creator_timezone: 50,
  creator_avatar: 100,
  brand_name: 200,
  brand_tagline: 500,
  brand_niche: 200,
  brand_website: 200,
  brand_logo: 100,
  brand_description: 3000,
  journey_status: 20,
  priority_level: 1,
  instagram_handle: 100,
  tiktok_handle: 100,
  twitter_handle: 100,
  youtube_channel: 200,
  linkedin_profile: 200,
  other_social_links: 3000,
  primary_communication_channel: 50,
  last_contacted_date: 10,
  next_follow_up_date: 10,
  communication_notes: 3000,
  tags: 2000,
  custom_fields: 3000,
  internal_notes: 3000,
};
export const TAGS_MAX_COUNT = 20;
const JSON_MAX_KEYS = 50;
const JSON_MAX_DEPTH = 5;
export const STATUS_NOTE_MAX = 1000;

type Ctx = z.RefinementCtx;
const fail = (ctx: Ctx, message: string) => {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
};

/** Trimmed text without controls (newlines kept where the input is multi-line); "" -> null. */
export function clean(v: string | null | undefined, multiline = false): string | null {
  if (v == null) return null;
  const s = stripUnstorable(v)
    .replace(multiline ? /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/g : /[\u0001-\u001f\u007f]/g, multiline ? "" : " ")
    .replace(/\r\n?/g, "\n")
    .trim();
  return s === "" ? null : s;
}

const input = () => z.string().nullish();

function lengthOk(ctx: Ctx, s: string, max: number): boolean {
  const n = codePoints(s);
  if (n <= max) return true;
  fail(ctx, `At most ${max} characters (this has ${n}).`);
  return false;
}

const required = (max: number, label: string) =>
  input().transform((v, ctx) => {
    const s = clean(v);
    if (!s) return fail(ctx, `${label} is required.`);
    return lengthOk(ctx, s, max) ? s : z.NEVER;
  });

const optional = (max: number, multiline = false) =>
  input().transform((v, ctx): string | null => {
    const s = clean(v, multiline);
    if (s === null) return null;
    return lengthOk(ctx, s, max) ? s : z.NEVER;
  });

/** Optional text with a default the column needs (NOT NULL DEFAULT …). */
const withDefault = (max: number, dflt: string, check?: (s: string) => string | null) =>
  input().transform((v, ctx): string => {
    const s = clean(v) ?? dflt;
    if (!lengthOk(ctx, s, max)) return z.NEVER;
    const problem = check?.(s);
    return problem ? fail(ctx, problem) : s;
  });

export function isHttpUrl(s: string): boolean {
  if (/\s/.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.includes(".") && !u.username && !u.password;
  } catch {
    return false;
  }
}

const url = (max: number) =>
  input().transform((v, ctx): string | null => {
    const s = clean(v);
    if (s === null) return null;
    if (!lengthOk(ctx, s, max)) return z.NEVER;
    // Only web links: a javascript: or data: URL rendered as a link is a trap for whoever clicks it.
    return isHttpUrl(s) ? s : fail(ctx, "Enter a full web address starting with https:// (or http://).");
  });

const handle = (max: number) =>
  input().transform((v, ctx): string | null => {
    const s = clean(v);
    if (s === null) return null;
    const h = s.startsWith("@") ? s : `@${s}`;
    if (!/^@[A-Za-z0-9._]+$/.test(h)) return fail(ctx, "A handle is @ followed by letters, digits, dots or underscores, like @brandname.");
    return lengthOk(ctx, h, max) ? h : z.NEVER;
  });

const phone = () =>
  input().transform((v, ctx): string | null => {
    const s = clean(v);
    if (s === null) return null;
    if (!lengthOk(ctx, s, MAX.creator_phone)) return z.NEVER;
    const digits = s.replace(/\D/g, "");
    const ok = /^\+?[0-9(][0-9 ().-]*$/.test(s) && digits.length >= 7 && digits.length <= 15;
    return ok ? s : fail(ctx, "Enter a phone number in international form, like +44 20 7946 0958.");
  });

const date = () =>
  input().transform((v, ctx): string | null => {
    const s = clean(v);
    if (s === null) return null;
    return isIsoDate(s) && s >= "1900-01-01" && s <= "2999-12-31" ? s : fail(ctx, "Pick a date.");
  });

const tags = () =>
  input().transform((v, ctx): string[] => {
    const s = clean(v);
    if (s === null) return [];
    const out: string[] = [];
    const seen = new Set<string>();
    for (const part of s.split(",")) {
      const t = part.trim();
      if (!t) continue;
      if (codePoints(t) > TAG_MAX) return fail(ctx, `A tag is at most ${TAG_MAX} characters.`);
      if (seen.has(t.toLowerCase())) continue;
      seen.add(t.toLowerCase());
      out.push(t);
    }
    return out.length > TAGS_MAX_COUNT ? fail(ctx, `At most ${TAGS_MAX_COUNT} tags.`) : out;
  });

type JsonObject = Record<string, unknown>;

/**
 * A JSONB column typed as lines (`parseLines`: key: value, or links), or as a JSON object when
 * the text starts with "{"; bounded in size, depth and keys so it can't bloat the row.
 */
function jsonObject(v: string | null | undefined, ctx: Ctx, example: string, parseLines: (s: string) => LinesResult): JsonObject | typeof z.NEVER {
  const s = clean(v, true);
  if (s === null) return {};
  if (codePoints(s) > MAX.custom_fields) return fail(ctx, `At most ${MAX.custom_fields} characters.`);
  let parsed: unknown;
  if (!s.startsWith("{")) {
    const r = parseLines(s);
    if (!r.ok) return fail(ctx, r.error);
    parsed = r.value;
  } else {
    try {
      parsed = JSON.parse(s);
    } catch {
      return fail(ctx, `Not valid JSON. Write an object like ${example}, or one entry per line.`);
    }
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return fail(ctx, `Must be a JSON object, like ${example}.`);
  const problem = jsonProblem(parsed, 1);
  return problem ? fail(ctx, problem) : (parsed as JsonObject);
}

function jsonProblem(v: unknown, depth: number): string | null {
  if (typeof v === "string") return hasUnstorable(v) ? "Contains characters that can't be stored (like \\u0000)." : null;
  if (!v || typeof v !== "object") return null;
  if (depth > JSON_MAX_DEPTH) return `Nested at most ${JSON_MAX_DEPTH} levels deep.`;
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  if (entries.length > JSON_MAX_KEYS) return `At most ${JSON_MAX_KEYS} entries per object or list.`;
  for (const [k, x] of entries) {
    if (hasUnstorable(k)) return "Contains characters that can't be stored (like \\u0000).";
    const p = jsonProblem(x, depth + 1);
    if (p) return p;
  }
  return null;
}

const customFields = () => input().transform((v, ctx) => jsonObject(v, ctx, `{"revenue_target_monthly": 50000}`, parseKeyValueLines));

const socialLinks = () =>
  input().transform((v, ctx) => {
    const obj = jsonObject(v, ctx, `{"pinterest": "https://pinterest.com/brand"}`, parseLinkLines);
    if (obj === z.NEVER) return z.NEVER;
    for (const [k, link] of Object.entries(obj)) {
      if (codePoints(k) > 50) return fail(ctx, "Each name is at most 50 characters.");
      if (typeof link !== "string" || !isHttpUrl(link) || codePoints(link) > 200) {
        return fail(ctx, `“${Array.from(k).slice(0, 30).join("")}” must be an https:// link (at most 200 characters).`);
      }
    }
    return obj as Record<string, string>;
  });

const oneOf = <T extends string>(values: readonly T[], dflt: T, message: string) =>
  input().transform((v, ctx): T => {
    const s = clean(v);
    if (s === null) return dflt;
    return (values as readonly string[]).includes(s) ? (s as T) : fail(ctx, message);
  });

export const creatorFormSchema = z.object({
  creator_name: required(MAX.creator_name, "Creator name"),
  creator_email: input().transform((v, ctx) => {
    const s = clean(v);
    if (!s) return fail(ctx, "Email is required.");
    if (!lengthOk(ctx, s, MAX.creator_email)) return z.NEVER;
    return z.email().safeParse(s).success ? s : fail(ctx, "Enter a valid email address, like name@example.com.");
  }),
  creator_phone: phone(),
  creator_location: optional(MAX.creator_location),
  creator_timezone: withDefault(MAX.creator_timezone, "UTC", (s) =>
    canonicalTimeZone(s) !== null ? null : "Use a time zone name like Europe/London or America/New_York.",
  ),
  creator_avatar: optional(MAX.creator_avatar),
  brand_name: required(MAX.brand_name, "Brand name"),
  brand_tagline: optional(MAX.brand_tagline),
  brand_niche: required(MAX.brand_niche, "Niche"),
  brand_website: url(MAX.brand_website),
  brand_logo: optional(MAX.brand_logo),
  brand_description: optional(MAX.brand_description, true),
  journey_status: oneOf(JOURNEY_STATUSES, "ONBOARDING", `Pick one of ${JOURNEY_STATUSES.join(", ")}.`),
  priority_level: oneOf(["1", "2", "3", "4", "5"] as const, "3", "Pick a priority from 1 to 5.").transform(Number),
  instagram_handle: handle(MAX.instagram_handle),
  tiktok_handle: handle(MAX.tiktok_handle),
  twitter_handle: handle(MAX.twitter_handle),
  youtube_channel: url(MAX.youtube_channel),
  linkedin_profile: url(MAX.linkedin_profile),
  other_social_links: socialLinks(),
  primary_communication_channel: withDefault(MAX.primary_communication_channel, "Email"),
  last_contacted_date: date(),
  next_follow_up_date: date(),
  communication_notes: optional(MAX.communication_notes, true),
  tags: tags(),
  custom_fields: customFields(),
  internal_notes: optional(MAX.internal_notes, true),
});
export type CreatorForm = z.output<typeof creatorFormSchema>;
export type RawForm = Partial<Record<FormColumn, string | null>>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

function errorsOf(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = String(i.path[0] ?? "creator_name");
    out[key] ??= i.message.slice(0, 150);
  }
  return out;
}

/** New creator: every column, defaults where empty. */
export function parseNewCreator(raw: RawForm): FormResult<CreatorForm> {
  const r = creatorFormSchema.safeParse(raw);
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: errorsOf(r.error.issues) };
}

/** Edit: only the columns the person changed, validated by the same schema. */
export function parseCreatorEdit(raw: RawForm, columns: readonly FormColumn[]): FormResult<Partial<CreatorForm>> {
  const pick = Object.fromEntries(columns.map((c) => [c, true])) as Partial<Record<FormColumn, true>>;
  const r = creatorFormSchema.pick(pick).safeParse(raw);
  return r.success ? { ok: true, data: r.data as Partial<CreatorForm> } : { ok: false, errors: errorsOf(r.error.issues) };
}

export const creatorStatusSchema = z
  .object({
    journey_status: input().transform((v, ctx) => {
      const s = clean(v);
      return s && (JOURNEY_STATUSES as readonly string[]).includes(s) ? (s as (typeof JOURNEY_STATUSES)[number]) : fail(ctx, "Pick a status.");
    }),
    notes: optional(STATUS_NOTE_MAX, true),
  })
  .superRefine((v, ctx) => {
    // Closing a creator ends the studio's work with them; the why must be on record.
    if (v.journey_status === "CLOSED" && !v.notes) ctx.addIssue({ code: "custom", path: ["notes"], message: "Say why this creator is being closed." });
  });

export function parseStatusForm(raw: Record<string, string | null>): FormResult<z.output<typeof creatorStatusSchema>> {
  const r = creatorStatusSchema.safeParse(raw);
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: errorsOf(r.error.issues) };
}

/**
 * view.state.values -> {block_id: text}, for the block ids we know. Reads by our own column
 * list, so a crafted payload's extra keys (or `__proto__`) never reach the schema.
 */
export function readFormValues(values: unknown, columns: readonly string[] = FORM_COLUMNS): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (!values || typeof values !== "object") return out;
  const v = values as Record<string, unknown>;
  for (const col of columns) {
    if (!Object.hasOwn(v, col)) continue;
    const block = v[col];
    const el = block && typeof block === "object" && Object.hasOwn(block, col) ? (block as Record<string, unknown>)[col] : undefined;
    if (!el || typeof el !== "object") {
      out[col] = null;
      continue;
    }
    const e = el as { value?: unknown; selected_date?: unknown; selected_option?: { value?: unknown } | null };
    const x = e.value ?? e.selected_date ?? e.selected_option?.value ?? null;
    out[col] = typeof x === "string" ? x : null;
  }
  return out;
}
