import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from "@slack/types";
import { LABELS, VIEWS } from "../../slack/ids.js";
import { esc, LIMITS, plain } from "../../slack/mrkdwn.js";
import { fit } from "./creator-blocks.js";
import { fingerprint, formTextOf, JOURNEY_STATUSES, type FormColumn } from "./creator-fns.js";
import { journeyLabel } from "./creator-labels.js";
import { MAX, STATUS_NOTE_MAX } from "./creator-schemas.js";

// The New, Edit and Status modals. Input block_id = action_id = the seed's column name.

type Kind = "text" | "multiline" | "date" | "select";
type Field = { col: FormColumn; label: string; kind: Kind; required?: boolean; placeholder?: string; hint?: string; options?: PlainTextOption[] };
type Group = { title: string; fields: Field[] };

const opt = (value: string, text = value): PlainTextOption => ({ text: { type: "plain_text", text: plain(text, LIMITS.optionText) }, value });
const PRIORITY_OPTIONS = ["1 (highest)", "2", "3", "4", "5 (lowest)"].map((t, i) => opt(String(i + 1), t));
const STATUS_OPTIONS = JOURNEY_STATUSES.map((s) => opt(s, journeyLabel(s)));

function groups(mode: "new" | "edit"): Group[] {
  return [
    {
      title: "Creator",
      fields: [
        { col: "creator_name", label: "Creator name", kind: "text", required: true, placeholder: "Full name" },
        { col: "creator_email", label: "Email", kind: "text", required: true, placeholder: "name@example.com" },
        { col: "creator_phone", label: "Phone", kind: "text", placeholder: "+44 20 7946 0958" },
        { col: "creator_location", label: "Location", kind: "text", placeholder: "City, Country" },
        { col: "creator_timezone", label: "Time zone", kind: "text", placeholder: "Europe/London", hint: "Empty means UTC." },
        { col: "creator_avatar", label: "Avatar (image path)", kind: "text" },
      ],
    },
    {
      title: "Brand",
      fields: [
        { col: "brand_name", label: "Brand name", kind: "text", required: true },
        { col: "brand_niche", label: "Niche", kind: "text", required: true, placeholder: "Fitness, beauty, gaming…" },
        { col: "brand_tagline", label: "Tagline", kind: "text" },
        { col: "brand_website", label: "Website", kind: "text", placeholder: "https://" },
        { col: "brand_logo", label: "Logo (image path)", kind: "text" },
        { col: "brand_description", label: "Description", kind: "multiline", placeholder: "Brand positioning" },
      ],
    },
    {
      title: mode === "new" ? "Journey and priority" : "Priority",
      fields: [
        ...(mode === "new" ? [{ col: "journey_status", label: "Journey status", kind: "select", required: true, options: STATUS_OPTIONS } as Field] : []),
        { col: "priority_level", label: "Priority", kind: "select", required: true, options: PRIORITY_OPTIONS },
      ],
    },
    {
      title: "Social",
      fields: [
        { col: "instagram_handle", label: "Instagram", kind: "text", placeholder: "@handle" },
        { col: "tiktok_handle", label: "TikTok", kind: "text", placeholder: "@handle" },
        { col: "twitter_handle", label: "X / Twitter", kind: "text", placeholder: "@handle" },
        { col: "youtube_channel", label: "YouTube channel", kind: "text", placeholder: "https://youtube.com/@channel" },
        { col: "linkedin_profile", label: "LinkedIn profile", kind: "text", placeholder: "https://linkedin.com/in/…" },
        {
          col: "other_social_links",
          label: "Other links",
          kind: "multiline",
          placeholder: "https://pinterest.com/brand",
          hint: "One https:// link per line; name one with “name: https://…” (else it is named after its site).",
        },
      ],
    },
    {
      title: "Communication",
      fields: [
        { col: "primary_communication_channel", label: "Preferred channel", kind: "text", placeholder: "Email", hint: "Empty means Email." },
        { col: "last_contacted_date", label: "Last contacted", kind: "date" },
        { col: "next_follow_up_date", label: "Next follow-up", kind: "date" },
        { col: "communication_notes", label: "Communication notes", kind: "multiline" },
      ],
    },
    {
      title: "Tags and custom fields",
      fields: [
        { col: "tags", label: "Tags", kind: "text", placeholder: "VIP, Launch-Ready", hint: "Comma-separated." },
        {
          col: "custom_fields",
          label: "Custom fields",
          kind: "multiline",
          placeholder: "revenue_target_monthly: 50000",
          hint: "One “key: value” per line. Numbers, true/false and [lists] are stored as such.",
        },
      ],
    },
    { title: "Internal notes", fields: [{ col: "internal_notes", label: "Internal notes (studio only)", kind: "multiline" }] },
  ];
}

/** Slack's own cap on a text input; longer stored values can't be shown, so they aren't offered. */
const INPUT_MAX = 3000;

function inputBlock(f: Field, initial: string | undefined): InputBlock {
  const base = { type: "input" as const, block_id: f.col, optional: !f.required, label: { type: "plain_text" as const, text: f.label } };
  const hint = f.hint ? { hint: { type: "plain_text" as const, text: f.hint } } : {};
  const placeholder = f.placeholder ? { placeholder: { type: "plain_text" as const, text: plain(f.placeholder, 150) } } : {};
  if (f.kind === "date") {
    return { ...base, ...hint, element: { type: "datepicker", action_id: f.col, ...(initial ? { initial_date: initial } : {}) } };
  }
  if (f.kind === "select") {
    const initialOption = f.options?.find((o) => o.value === initial);
    return {
      ...base,
      ...hint,
      element: { type: "static_select", action_id: f.col, options: f.options ?? [], ...(initialOption ? { initial_option: initialOption } : {}) },
    };
  }
  return {
    ...base,
    ...hint,
    element: {
      type: "plain_text_input",
      action_id: f.col,
      multiline: f.kind === "multiline",
      max_length: Math.min(MAX[f.col], INPUT_MAX),
      ...placeholder,
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

/**
 * What the New creator form asks (issue 17): enough to create the record and judge its health.
 * Everything else is on the card's `More details` (the Edit form), once the creator exists.
 */
export const ESSENTIAL_COLUMNS: readonly FormColumn[] = ["creator_name", "creator_email", "brand_name", "brand_niche", "journey_status", "priority_level"];

function formBlocks(mode: "new" | "edit", values: Partial<Record<FormColumn, string>>): { blocks: KnownBlock[]; shown: Record<string, string> } {
  const blocks: KnownBlock[] = [];
  const shown: Record<string, string> = {};
  const all = groups(mode);
  const shownGroups =
    mode === "new" ? all.map((g) => ({ ...g, fields: g.fields.filter((f) => ESSENTIAL_COLUMNS.includes(f.col)) })).filter((g) => g.fields.length > 0) : all;
  shownGroups.forEach((g, i) => {
    if (i > 0) blocks.push({ type: "divider" });
    blocks.push({ type: "header", text: { type: "plain_text", text: g.title } });
    for (const f of g.fields) {
      const v = values[f.col];
      if (v !== undefined && Array.from(v).length > Math.min(MAX[f.col], INPUT_MAX)) {
        // Showing a cut value would save the cut on submit; leave the field out and untouched.
        blocks.push({
          type: "context",
          elements: [{ type: "mrkdwn", text: `*${f.label}* is too long to edit in Slack (${Array.from(v).length} characters); it stays as it is.` }],
        });
        continue;
      }
      shown[f.col] = fingerprint(v);
      blocks.push(inputBlock(f, v));
    }
  });
  return { blocks, shown };
}

export function newCreatorModal(): ModalView {
  const { blocks } = formBlocks("new", { journey_status: "ONBOARDING", priority_level: "3" });
  blocks.push({
    type: "context",
    elements: [
      { type: "mrkdwn", text: `Phone, socials, links, tags, follow-up dates and custom fields: *${LABELS.moreDetails}* on the card once the creator exists.` },
    ],
  });
  return {
    type: "modal",
    callback_id: VIEWS.creatorNew,
    title: { type: "plain_text", text: "New creator" },
    submit: { type: "plain_text", text: "Create" },
    close: { type: "plain_text", text: "Cancel" },
    blocks,
  };
}

/** The Edit modal, filled with the creator's current values; metadata fingerprints what was shown. */
export function editCreatorModal(id: string, current: Record<FormColumn, unknown>): ModalView {
  const values = Object.fromEntries(Object.entries(current).map(([k, v]) => [k, formTextOf(k as FormColumn, v)])) as Record<FormColumn, string>;
  const { blocks, shown } = formBlocks("edit", values);
  return {
    type: "modal",
    callback_id: VIEWS.creatorEdit,
    private_metadata: JSON.stringify({ id, shown }),
    title: { type: "plain_text", text: "Edit creator" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks,
  };
}

export function statusModal(c: { id: string; brandName: string; journeyStatus: string }, initial: string): ModalView {
  const initialOption = STATUS_OPTIONS.find((o) => o.value === initial);
  return {
    type: "modal",
    callback_id: VIEWS.creatorStatus,
    private_metadata: JSON.stringify({ id: c.id }),
    title: { type: "plain_text", text: "Change status" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: fit(`*${esc(c.brandName)}* is *${esc(journeyLabel(c.journeyStatus))}* now.`, LIMITS.sectionText) } },
      {
        type: "input",
        block_id: "journey_status",
        label: { type: "plain_text", text: "New status" },
        element: { type: "static_select", action_id: "journey_status", options: STATUS_OPTIONS, ...(initialOption ? { initial_option: initialOption } : {}) },
      },
      {
        type: "input",
        block_id: "notes",
        // Opened to close (`/wl status … CLOSED`): Slack itself insists on the note too.
        optional: initial !== "CLOSED",
        label: { type: "plain_text", text: initial === "CLOSED" ? "Why close this creator?" : "Note" },
        hint: { type: "plain_text", text: "Required when closing: why is the studio closing this creator?" },
        element: { type: "plain_text_input", action_id: "notes", multiline: true, max_length: STATUS_NOTE_MAX },
      },
    ],
  };
}
