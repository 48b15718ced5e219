import { createHash } from "node:crypto";
import { fromDbDate } from "../../lib/dates.js";
import { HEALTH_SCORES, type HealthScore } from "../health/health-fns.js";
import { keyValueText } from "./creator-json-inputs.js";

// Pure rules of the creators feature: the seed's enums, the form's columns, argument parsing.

export const JOURNEY_STATUSES = ["ONBOARDING", "BRAND_BUILDING", "LAUNCH", "LIVE", "PAUSED", "CLOSED"] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

/** The four encrypted credential columns: masked in every snapshot (a DELETE audit row included). */
export const CREDENTIAL_SECRET_COLUMNS = ["login_url", "password", "two_factor_backup_codes", "api_keys"] as const;

/** Columns of studio_crm_creator a person types, in form order; block_id = action_id = column. */
export const FORM_COLUMNS = [
  "creator_name",
  "creator_email",
  "creator_phone",
  "creator_location",
  "creator_timezone",
  "creator_avatar",
  "brand_name",
  "brand_tagline",
  "brand_niche",
  "brand_website",
  "brand_logo",
  "brand_description",
  "journey_status",
  "priority_level",
  "instagram_handle",
  "tiktok_handle",
  "twitter_handle",
  "youtube_channel",
  "linkedin_profile",
  "other_social_links",
  "primary_communication_channel",
  "last_contacted_date",
  "next_follow_up_date",
  "communication_notes",
  "tags",
  "custom_fields",
  "internal_notes",
] as const;
export type FormColumn = (typeof FORM_COLUMNS)[number];

/**
 * The Edit form leaves journey_status out: a status change goes through `/wl status` so it
 * moves last_status_change and asks for a note on CLOSED. A crafted edit submission carrying
 * journey_status is ignored rather than trusted.
 */
export const EDIT_COLUMNS: readonly FormColumn[] = FORM_COLUMNS.filter((c) => c !== "journey_status");

/** Column name -> Prisma field name. */
export const FIELD_OF: Record<FormColumn, string> = Object.fromEntries(
  FORM_COLUMNS.map((c) => [c, c.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase())]),
) as Record<FormColumn, string>;

const DATE_COLUMNS: readonly FormColumn[] = ["last_contacted_date", "next_follow_up_date"];
const JSON_COLUMNS: readonly FormColumn[] = ["other_social_links", "custom_fields"];

/** A creator row's form columns in the shape the schema outputs (for diffs and audit rows). */
export function columnValuesOf(row: Record<string, unknown>): Record<FormColumn, unknown> {
  const out = {} as Record<FormColumn, unknown>;
  for (const col of FORM_COLUMNS) {
    const v = row[FIELD_OF[col]];
    out[col] = DATE_COLUMNS.includes(col) ? fromDbDate(v as Date | null) : (v ?? null);
  }
  return out;
}

/** What the modal shows for a column: the text a person would have typed. */
export function formTextOf(col: FormColumn, value: unknown): string {
  if (value == null) return "";
  if (col === "tags") return Array.isArray(value) ? value.map(String).join(", ") : "";
  if (JSON_COLUMNS.includes(col)) {
    // Shown as the lines the form asks for (key: value; name: link), not as JSON.
    return value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0 ? keyValueText(value as Record<string, unknown>) : "";
  }
  if (value instanceof Date) return fromDbDate(value) ?? "";
  return String(value);
}

/**
 * A short fingerprint of each value shown in the Edit modal, kept in private_metadata. On
 * submit only fields whose text differs from what was shown are written, so a field someone
 * else changed meanwhile is not overwritten with the stale copy in this modal.
 */
export function fingerprint(text: string | null | undefined): string {
  return createHash("sha256")
    .update(text ?? "")
    .digest("base64url")
    .slice(0, 8);
}

export function touchedColumns(
  submitted: Partial<Record<FormColumn, string | null>>,
  shown: Record<string, unknown>,
  allowed: readonly FormColumn[],
): FormColumn[] {
  return allowed.filter((c) => c in submitted && (typeof shown[c] !== "string" || fingerprint(submitted[c]) !== shown[c]));
}

/** `live`, `Brand-Building`, `brand building` -> the enum value, or null. */
export function parseJourneyStatus(raw: string): JourneyStatus | null {
  const s = raw
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, "_");
  return (JOURNEY_STATUSES as readonly string[]).includes(s) ? (s as JourneyStatus) : null;
}

export type ListFilters = { status?: JourneyStatus; health?: HealthScore; tag?: string };
export const LIST_USAGE = "list [status] [health] [tag:<tag>]";
export const TAG_MAX = 50;

/** `/wl list` arguments in any order; each kind at most once. */
export function parseListArgs(args: string): { ok: true; filters: ListFilters } | { ok: false; error: string } {
  const filters: ListFilters = {};
  const tokens = args.trim().split(/\s+/).filter(Boolean);
  if (tokens.length > 3) return { ok: false, error: "Too many filters." };
  for (const t of tokens) {
    if (/^tag:/i.test(t)) {
      const tag = t.slice(4).trim();
      if (!tag || Array.from(tag).length > TAG_MAX) return { ok: false, error: `A tag filter is \`tag:<tag>\` (at most ${TAG_MAX} characters).` };
      if (filters.tag) return { ok: false, error: "Only one tag filter, please." };
      filters.tag = tag;
      continue;
    }
    const up = t.toUpperCase();
    if ((HEALTH_SCORES as readonly string[]).includes(up)) {
      if (filters.health) return { ok: false, error: "Only one health filter, please." };
      filters.health = up as HealthScore;
      continue;
    }
    const status = parseJourneyStatus(t);
    if (status) {
      if (filters.status) return { ok: false, error: "Only one status filter, please." };
      filters.status = status;
      continue;
    }
    return { ok: false, error: `I don't know the filter \`${Array.from(t).slice(0, 40).join("")}\`.` };
  }
  return { ok: true, filters };
}

export const LIST_PAGE_SIZE = 10;
export const FIND_LIMIT = 20;
export const FIND_TEXT_MAX = 100;

/** A list page's state rides in the Next/Previous button value (Slack caps it at 2000 chars). */
export type ListPageState = ListFilters & { page: number };

export function encodeListPage(s: ListPageState): string {
  return JSON.stringify({ s: s.status, h: s.health, t: s.tag, p: s.page });
}

export function decodeListPage(value: string | undefined): ListPageState | null {
  if (!value || value.length > 500) return null;
  try {
    const v = JSON.parse(value) as { s?: unknown; h?: unknown; t?: unknown; p?: unknown };
    const page = typeof v.p === "number" && Number.isInteger(v.p) && v.p >= 0 && v.p < 100_000 ? v.p : null;
    if (page === null) return null;
    const parts = [v.s, v.h].filter((x): x is string => typeof x === "string");
    if (typeof v.t === "string") parts.push(`tag:${v.t}`);
    const parsed = parseListArgs(parts.join(" "));
    return parsed.ok ? { ...parsed.filters, page } : null;
  } catch {
    return null;
  }
}

/** Search text as typed, minus what Postgres or Slack would choke on (NUL, controls). */
export function cleanSearchText(raw: string): string {
  return stripUnstorable(raw)
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .trim();
}

/** LIKE's own wildcards in user text match literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/**
 * Postgres refuses NUL in text and lone UTF-16 surrogates in jsonb; a value carrying one
 * would fail the INSERT halfway through a request. They are removed (NUL) or replaced.
 */
export function stripUnstorable(s: string): string {
  return s.replace(/\u0000/g, "").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

export function hasUnstorable(s: string): boolean {
  return stripUnstorable(s) !== s;
}

export const codePoints = (s: string): number => Array.from(s).length;

export function displayOf(c: { brandName: string; creatorName: string }): string {
  return `${c.brandName} (${c.creatorName})`;
}

/** camelCase row -> snake_case columns, as the seed names them (for audit snapshots). */
export function toColumns(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`), v]));
}

/** A human age: "5 min", "3 h", "2 d". */
export function ageText(from: Date, now: Date): string {
  const mins = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  if (mins < 60) return `${mins} min`;
  const hours = Math.floor(mins / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}
