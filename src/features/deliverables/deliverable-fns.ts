import { splitLastWord } from "../creators/creator-lookup.js";
import { dateInTz, daysBetween, fromDbDate, type IsoDate } from "../../lib/dates.js";
import { esc } from "../../slack/mrkdwn.js";
import { DELIVERABLE_TYPES, SNAPSHOT_INTRO, STUDIO_VOICE, TEMPLATES, type DeliverableType } from "./deliverable-prompts.js";

// Pure rules of the deliverables feature: what goes into the model's context, what the full
// prompt is, and how a result is delivered. No I/O here.

/** The audit log's target_model for a deliverable record. */
export const DELIVERABLE_TARGET = "AIDeliverable";

export const DELIVERABLE_STATUSES = ["PENDING", "GENERATING", "COMPLETED", "FAILED"] as const;
export type DeliverableStatus = (typeof DELIVERABLE_STATUSES)[number];

export const DELIVERY = {
  /** Results up to this many characters arrive as a DM message; longer ones as a file. */
  messageMaxChars: 2_500,
  /** Milestones beyond this are counted, not listed: the prompt stays bounded. */
  maxMilestones: 40,
  maxTextChars: 4_000,
  maxJsonStringChars: 500,
  maxJsonItems: 50,
  /** file_url is VARCHAR(200). */
  fileUrlMax: 200,
} as const;

export const DELIVERABLE_USAGE = `deliverable <creator> ${DELIVERABLE_TYPES.join("|")}`;

const ALIASES: Record<string, DeliverableType> = {
  report: "report",
  "brand-report": "report",
  guidelines: "guidelines",
  "brand-guidelines": "guidelines",
  "launch-plan": "launch-plan",
  launch: "launch-plan",
  launchplan: "launch-plan",
  "content-calendar": "content-calendar",
  calendar: "content-calendar",
  contentcalendar: "content-calendar",
};

export function parseDeliverableType(raw: string): DeliverableType | null {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, "-");
  return ALIASES[key] ?? null;
}

/** `<creator> <type>`: the type is the last word; the creator may contain spaces. */
export function parseDeliverableArgs(args: string): { creatorRef: string; type: DeliverableType } | { error: "usage" | "type"; got?: string } {
  const split = splitLastWord(args);
  if (!split) return { error: "usage" };
  const type = parseDeliverableType(split.last);
  if (!type) return { error: "type", got: split.last };
  return { creatorRef: split.head, type };
}

// ---- The context snapshot ----

export type SnapshotCreator = {
  id: string;
  creatorName: string;
  creatorLocation: string | null;
  creatorTimezone: string;
  brandName: string;
  brandTagline: string | null;
  brandNiche: string;
  brandWebsite: string | null;
  brandDescription: string | null;
  journeyStatus: string;
  lastStatusChange: Date;
  priorityLevel: number;
  isActive: boolean;
  instagramHandle: string | null;
  youtubeChannel: string | null;
  tiktokHandle: string | null;
  twitterHandle: string | null;
  linkedinProfile: string | null;
  otherSocialLinks: unknown;
  primaryCommunicationChannel: string;
  lastContactedDate: Date | null;
  nextFollowUpDate: Date | null;
  customFields: unknown;
  tags: unknown;
  /** Present only when the template declares it needs the notes. */
  internalNotes?: string | null;
};

export type SnapshotMilestone = {
  title: string;
  description: string | null;
  targetDate: Date | null;
  completedDate: Date | null;
  isCompleted: boolean;
  relatedJourneyStage: string;
};

export type ContextData = Record<string, unknown>;

/**
 * Keys of free-form JSON (custom fields, other links) that look like they hold a secret. Staff
 * sometimes paste a login into "custom fields"; such a value must not travel to a third-party
 * model or into `context_data`, where every staff member can read it back.
 */
const SECRET_KEY =
  /(^|[^a-z])(pass(word|wd|code|phrase)?|pwd|pin)([^a-z]|$)|secret|token|api[-_ ]?keys?|credential|two[-_ ]?factor|2fa|otp|backup[-_ ]?codes?|login[-_ ]?url|private[-_ ]?key|ssn/i;
/** A Fernet token (what django-encrypted-model-fields stores): ciphertext is never context. */
const FERNET_TOKEN = /^gAAAAA[A-Za-z0-9_=-]{40,}$/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function clipText(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

const WITHHELD = Symbol("withheld");

/** Free-form JSON made safe and bounded: secret-looking keys and values withheld (their paths listed), sizes capped. */
export function sanitiseJson(value: unknown, withheld: string[], path = ""): unknown {
  const v = clean(value, withheld, path, 0);
  return v === WITHHELD ? null : v;
}

function clean(value: unknown, withheld: string[], path: string, depth: number): unknown {
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string") {
    if (FERNET_TOKEN.test(value.trim())) {
      withheld.push(path || "(value)");
      return WITHHELD;
    }
    return clipText(value, DELIVERY.maxJsonStringChars);
  }
  if (depth >= 4) return "[nested too deep]";
  if (Array.isArray(value)) {
    return value
      .slice(0, DELIVERY.maxJsonItems)
      .map((v, i) => clean(v, withheld, `${path}[${i}]`, depth + 1))
      .filter((v) => v !== WITHHELD);
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, DELIVERY.maxJsonItems)) {
      const p = path ? `${path}.${k}` : k;
      if (isSecretKey(k)) {
        withheld.push(p);
        continue;
      }
      const c = clean(v, withheld, p, depth + 1);
      if (c !== WITHHELD) out[k] = c;
    }
    return out;
  }
  return null;
}

const text = (s: string | null | undefined, max: number = DELIVERY.maxTextChars) => (s?.trim() ? clipText(s.trim(), max) : null);

/**
 * What the model sees about a creator, and what `context_data` records. Built from an allowlist
 * of fields: credentials are never read for it, and contact details (email, phone) and the
 * private notes are left out because no template needs them to write a document.
 */
export function buildContextSnapshot(
  c: SnapshotCreator,
  milestones: readonly SnapshotMilestone[],
  health: { score: string; reasons: readonly string[] },
  today: IsoDate,
  tz: string,
  opts: { internalNotes: boolean } = { internalNotes: false },
): ContextData {
  const withheld: string[] = [];
  const statusSince = dateInTz(c.lastStatusChange, tz);
  const sorted = [...milestones].sort(
    (a, b) => Number(a.isCompleted) - Number(b.isCompleted) || (fromDbDate(a.targetDate) ?? "9999").localeCompare(fromDbDate(b.targetDate) ?? "9999"),
  );
  const listed = sorted.slice(0, DELIVERY.maxMilestones);
  const tags = Array.isArray(c.tags)
    ? c.tags
        .filter((t): t is string => typeof t === "string")
        .slice(0, DELIVERY.maxJsonItems)
        .map((t) => clipText(t, 100))
    : [];
  const snapshot: ContextData = {
    today,
    creator: { name: c.creatorName, location: text(c.creatorLocation, 200), timezone: c.creatorTimezone },
    brand: {
      name: c.brandName,
      tagline: text(c.brandTagline, 500),
      niche: c.brandNiche,
      website: text(c.brandWebsite, 200),
      description: text(c.brandDescription),
    },
    status: {
      journey_status: c.journeyStatus,
      since: statusSince,
      days_in_status: Math.max(0, daysBetween(statusSince, today)),
      priority_level: c.priorityLevel,
      is_active: c.isActive,
    },
    health: { score: health.score, reasons: [...health.reasons] },
    social: {
      instagram: c.instagramHandle,
      youtube: c.youtubeChannel,
      tiktok: c.tiktokHandle,
      twitter: c.twitterHandle,
      linkedin: c.linkedinProfile,
      other: sanitiseJson(c.otherSocialLinks ?? {}, withheld, "other_social_links"),
    },
    communication: {
      primary_channel: c.primaryCommunicationChannel,
      last_contacted_date: fromDbDate(c.lastContactedDate),
      next_follow_up_date: fromDbDate(c.nextFollowUpDate),
    },
    milestones: listed.map((m) => ({
      title: m.title,
      description: text(m.description, 500),
      target_date: fromDbDate(m.targetDate),
      completed_date: fromDbDate(m.completedDate),
      is_completed: m.isCompleted,
      stage: m.relatedJourneyStage,
      overdue: !m.isCompleted && m.targetDate !== null && fromDbDate(m.targetDate)! < today,
    })),
    ...(sorted.length > listed.length ? { milestones_not_listed: sorted.length - listed.length } : {}),
    tags,
    custom_fields: sanitiseJson(c.customFields ?? {}, withheld, "custom_fields"),
  };
  if (opts.internalNotes) snapshot.internal_notes = text(c.internalNotes ?? null);
  if (withheld.length > 0) snapshot.withheld_fields = withheld.slice(0, DELIVERY.maxJsonItems);
  return snapshot;
}

// ---- The prompt ----

export type BuiltPrompt = {
  system: string;
  /** The fixed, cached part. */
  template: string;
  /** The per-request part: the snapshot. */
  user: string;
  maxTokens: number;
  /** Everything sent, as one text: what `prompt_used` records. */
  fullText: string;
};

/**
 * JSON with object keys sorted. `context_data` is JSONB, which does not keep key order; a
 * canonical text means the prompt rebuilt from the stored snapshot is byte-for-byte the one
 * recorded in `prompt_used` (and the cache sees the same bytes each time).
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, val: unknown) =>
      val && typeof val === "object" && !Array.isArray(val)
        ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : val,
    2,
  );
}

export function buildPrompt(type: DeliverableType, context: ContextData): BuiltPrompt {
  const t = TEMPLATES[type];
  const user = `${SNAPSHOT_INTRO}\n\n<creator_snapshot>\n${canonicalJson(context)}\n</creator_snapshot>`;
  return {
    system: STUDIO_VOICE,
    template: t.instructions,
    user,
    maxTokens: t.maxTokens,
    fullText: `[system]\n${STUDIO_VOICE}\n\n[template: ${type}]\n${t.instructions}\n\n[user]\n${user}`,
  };
}

// ---- Delivery ----

export function chooseDelivery(content: string): "message" | "file" {
  return Array.from(content).length <= DELIVERY.messageMaxChars ? "message" : "file";
}

/**
 * Claude writes Markdown; Slack reads mrkdwn. The text is escaped first: a creator field the
 * model echoes (`<!channel>`, a disguised link) must not become a live mention or link.
 */
export function markdownToMrkdwn(md: string): string {
  const B = "\u0001";
  return esc(md)
    .split("\n")
    .map((line) => {
      const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
      if (heading) return `${B}${heading[1]!.replace(/\*\*/g, "")}${B}`;
      return line.replace(/^(\s*)[-*+]\s+/, "$1• ");
    })
    .join("\n")
    .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, `${B}$1${B}`)
    .replace(/__(?=\S)(.+?)(?<=\S)__/g, `${B}$1${B}`)
    .replace(/(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])/g, "_$1_")
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, "~$1~")
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)|]+)\)/g, "<$2|$1>")
    .replace(new RegExp(B, "g"), "*");
}

/** Splits text into pieces of at most `max` characters, at paragraph, then line, then word breaks. */
export function splitText(text: string, max = 3_000): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (Array.from(rest).length > max) {
    const window = Array.from(rest).slice(0, max).join("");
    let cut = window.lastIndexOf("\n\n");
    if (cut < max / 3) cut = window.lastIndexOf("\n");
    if (cut < max / 3) cut = window.lastIndexOf(" ");
    if (cut < max / 3) cut = window.length;
    out.push(window.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/** A short ASCII file name: Slack puts it into the permalink, which must fit file_url. */
export function fileNameFor(brandName: string, type: DeliverableType, today: IsoDate): string {
  const slug =
    brandName
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 32)
      .replace(/-+$/, "") || "creator";
  return `${slug}-${type}-${today}.md`;
}

/** A permalink too long for file_url is not stored cut (a cut link is a broken link). */
export function fileUrlThatFits(url: string | undefined | null): string | null {
  return url && url.length <= DELIVERY.fileUrlMax && /^https:\/\//.test(url) ? url : null;
}

/** PENDING or GENERATING for longer than this means the process working on it is gone. */
export function isStale(createdAt: Date, now: Date, staleAfterMs: number): boolean {
  return now.getTime() - createdAt.getTime() > staleAfterMs;
}

export function labelOf(type: string): string {
  const t = parseDeliverableType(type);
  return t ? TEMPLATES[t].label : type;
}
