import { z } from "zod";
import { isIsoDate, type IsoDate } from "../../lib/dates.js";
import { JOURNEY_STATUSES, type JourneyStatus } from "../creators/creator-fns.js";

// The Add/Edit milestone modal. block_id = action_id = the seed's column name (the contract).

export const MILESTONE_FIELDS = ["title", "description", "target_date", "related_journey_stage"] as const;
export type MilestoneField = (typeof MILESTONE_FIELDS)[number];

/** The seed's VARCHAR(200); description is TEXT, capped at what a Slack text input can hold. */
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 3000;
/** A datepicker cannot produce anything else; a crafted payload (year 0202, 9999) can. */
const EARLIEST = "2000-01-01";
const LATEST = "2100-12-31";

export type MilestoneInput = {
  title: string;
  description: string | null;
  targetDate: IsoDate | null;
  relatedJourneyStage: JourneyStatus;
};

const codePoints = (s: string) => Array.from(s).length;
// Postgres refuses NUL in text; other control characters would garble the list. Newlines stay
// in the description (a multiline input).
const clean = (s: string, keepNewlines: boolean) =>
  s.replace(keepNewlines ? /[\u0000-\u0009\u000b-\u001f\u007f]/g : /[\u0000-\u001f\u007f]/g, keepNewlines ? "" : " ").trim();

const schema = z.object({
  title: z
    .string({ error: "Give the milestone a title." })
    .transform((s) => clean(s, false))
    .pipe(
      z
        .string()
        .min(1, "Give the milestone a title.")
        .refine((s) => codePoints(s) <= TITLE_MAX, `At most ${TITLE_MAX} characters.`),
    ),
  description: z
    .string()
    .nullable()
    .transform((s) => (s == null ? null : clean(s, true) || null))
    .refine((s) => s == null || codePoints(s) <= DESCRIPTION_MAX, `At most ${DESCRIPTION_MAX} characters.`),
  target_date: z
    .string()
    .nullable()
    .refine((s) => s == null || isIsoDate(s), "Pick a date.")
    .refine((s) => s == null || !isIsoDate(s) || (s >= EARLIEST && s <= LATEST), `Pick a date between ${EARLIEST} and ${LATEST}.`),
  related_journey_stage: z.enum(JOURNEY_STATUSES, { error: "Pick the journey stage this milestone belongs to." }),
});

export type ParsedMilestone = { ok: true; value: MilestoneInput } | { ok: false; errors: Record<MilestoneField, string> | Record<string, string> };

/** The modal's state (`view.state.values`) → a milestone, or inline errors keyed by block_id. */
export function parseMilestoneForm(values: unknown): ParsedMilestone {
  const raw = readValues(values);
  const r = schema.safeParse(raw);
  if (!r.success) {
    const errors: Record<string, string> = {};
    for (const issue of r.error.issues) {
      const key = String(issue.path[0] ?? "title");
      errors[key] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const v = r.data;
  return { ok: true, value: { title: v.title, description: v.description, targetDate: v.target_date, relatedJourneyStage: v.related_journey_stage } };
}

/** Each field's submitted value: text, selected date or selected option; absent or empty → null. */
export function readValues(values: unknown): Record<MilestoneField, string | null> {
  const out = {} as Record<MilestoneField, string | null>;
  const v = values && typeof values === "object" ? (values as Record<string, unknown>) : {};
  for (const field of MILESTONE_FIELDS) {
    const block = Object.hasOwn(v, field) ? v[field] : undefined;
    const el = block && typeof block === "object" && Object.hasOwn(block, field) ? (block as Record<string, unknown>)[field] : undefined;
    const e = (el && typeof el === "object" ? el : {}) as { value?: unknown; selected_date?: unknown; selected_option?: { value?: unknown } | null };
    const x = e.value ?? e.selected_date ?? e.selected_option?.value ?? null;
    out[field] = typeof x === "string" && x !== "" ? x : null;
  }
  return out;
}

/**
 * private_metadata of the modal: which creator/milestone (re-checked by the service). Where the
 * answer goes is not in here: it is stored server-side when the form opens (answer-in-place).
 */
export const modalMetaSchema = z.object({
  creatorId: z.uuid(),
  milestoneId: z.uuid().optional(),
});
export type ModalMeta = z.infer<typeof modalMetaSchema>;
