import { randomBytes } from "node:crypto";

// Block Kit as Slack's servers treat it: ids filled in where the app left them out, Slack's
// limits checked (so a message the real Slack would refuse is refused here too, not shown),
// and the `state.values` / `actions[]` shapes Slack sends back built from the stored definition.

export type Json = Record<string, unknown>;
/** What the page sends for one element: text, a date, an option value, or option values. */
export type Draft = string | string[] | null;
export type Drafts = Record<string, Record<string, Draft>>;

const TEXT_INPUTS = new Set(["plain_text_input", "email_text_input", "url_text_input", "number_input"]);
const SINGLE_SELECTS = new Set(["static_select", "external_select", "radio_buttons"]);
const MULTI_SELECTS = new Set(["multi_static_select", "checkboxes"]);
const STATEFUL = new Set([
  ...TEXT_INPUTS,
  ...SINGLE_SELECTS,
  ...MULTI_SELECTS,
  "datepicker",
  "timepicker",
  "users_select",
  "conversations_select",
  "channels_select",
]);
const INTERACTIVE = new Set([...STATEFUL, "button", "overflow"]);
const BLOCK_TYPES = new Set(["section", "header", "context", "divider", "actions", "input", "image", "rich_text", "file", "markdown", "video"]);

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const shortId = () => randomBytes(4).toString("base64url").replace(/[-_]/g, "x").slice(0, 5);

/** Deep copy with Slack's fill-ins: block_id and action_id where missing, `emoji: true` on plain text. */
export function normaliseBlocks(blocks: unknown): Json[] {
  return arr(blocks).map((b) => {
    const block = structuredClone(b) as Json;
    if (!isObj(block)) return block;
    if (typeof block.block_id !== "string" || block.block_id === "") block.block_id = shortId();
    for (const el of elementsOf(block)) {
      if (INTERACTIVE.has(String(el.type)) && (typeof el.action_id !== "string" || el.action_id === "")) el.action_id = shortId();
    }
    fillPlainText(block);
    return block;
  });
}

function fillPlainText(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) fillPlainText(x);
    return;
  }
  if (!isObj(v)) return;
  if (v.type === "plain_text" && typeof v.text === "string" && v.emoji === undefined) v.emoji = true;
  for (const child of Object.values(v)) if (typeof child === "object") fillPlainText(child);
}

/** The interactive elements of one block: a section's accessory, an actions block's elements, an input's element. */
export function elementsOf(block: Json): Json[] {
  const out: Json[] = [];
  if (block.type === "section" && isObj(block.accessory)) out.push(block.accessory);
  if (block.type === "actions") for (const e of arr(block.elements)) if (isObj(e)) out.push(e);
  if (block.type === "input" && isObj(block.element)) out.push(block.element);
  return out;
}

export function findElement(blocks: readonly Json[], blockId: string, actionId: string): { block: Json; element: Json } | null {
  for (const block of blocks) {
    if (block.block_id !== blockId) continue;
    const element = elementsOf(block).find((e) => e.action_id === actionId);
    if (element) return { block, element };
  }
  return null;
}

function optionsOf(el: Json): Json[] {
  const direct = arr(el.options).filter(isObj);
  const grouped = arr(el.option_groups)
    .filter(isObj)
    .flatMap((g) => arr(g.options).filter(isObj));
  return [...direct, ...grouped];
}

const optionOut = (o: Json): Json => {
  const out: Json = { text: o.text, value: o.value };
  if (o.description !== undefined) out.description = o.description;
  return out;
};

/** The option an external_select's value stands for: Slack remembers the options the app answered. */
export type OptionLookup = (value: string) => Json | null;

function pickOption(el: Json, value: Draft | undefined, lookup?: OptionLookup): Json | null {
  if (typeof value !== "string") return null;
  if (el.type === "external_select") return lookup?.(value) ?? null;
  const o = optionsOf(el).find((x) => x.value === value);
  return o ? optionOut(o) : null;
}

/** The element's current value: the page's draft when the person touched it, else its initial value. */
function currentValue(el: Json, draft: Draft | undefined, lookup?: OptionLookup): Json {
  const type = String(el.type);
  const touched = draft !== undefined;
  if (TEXT_INPUTS.has(type)) {
    const v = touched ? draft : (el.initial_value as string | undefined);
    return { type, value: typeof v === "string" && v !== "" ? v : null };
  }
  if (SINGLE_SELECTS.has(type)) {
    const initial = isObj(el.initial_option) ? (el.initial_option.value as string) : undefined;
    if (type === "external_select" && !touched && isObj(el.initial_option)) return { type, selected_option: optionOut(el.initial_option) };
    return { type, selected_option: pickOption(el, touched ? draft : initial, lookup) };
  }
  if (MULTI_SELECTS.has(type)) {
    const initial = arr(el.initial_options)
      .filter(isObj)
      .map((o) => String(o.value));
    const chosen = touched ? (Array.isArray(draft) ? draft : []) : initial;
    return {
      type,
      selected_options: optionsOf(el)
        .filter((o) => chosen.includes(String(o.value)))
        .map(optionOut),
    };
  }
  if (type === "datepicker") {
    const v = touched ? draft : (el.initial_date as string | undefined);
    return { type, selected_date: typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null };
  }
  if (type === "timepicker") {
    const v = touched ? draft : (el.initial_time as string | undefined);
    return { type, selected_time: typeof v === "string" && v !== "" ? v : null };
  }
  if (type === "users_select") {
    const v = touched ? draft : (el.initial_user as string | undefined);
    return { type, selected_user: typeof v === "string" && v !== "" ? v : null };
  }
  const v = touched ? draft : ((el.initial_conversation ?? el.initial_channel) as string | undefined);
  const key = type === "channels_select" ? "selected_channel" : "selected_conversation";
  return { type, [key]: typeof v === "string" && v !== "" ? v : null };
}

/** `view.state.values` exactly as Slack builds it: `{block_id: {action_id: {type, value | selected_*}}}`. */
export function buildStateValues(blocks: readonly Json[], drafts: Drafts = {}, lookup?: OptionLookup): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  for (const block of blocks) {
    const blockId = String(block.block_id);
    for (const el of elementsOf(block)) {
      if (!STATEFUL.has(String(el.type))) continue;
      const actionId = String(el.action_id);
      values[blockId] ??= {};
      values[blockId][actionId] = currentValue(el, drafts[blockId]?.[actionId], lookup);
    }
  }
  return values;
}

/** One entry of a block_actions payload's `actions`, from the element's definition and what was picked. */
export function actionFor(block: Json, el: Json, picked: Draft | undefined, actionTs: string, lookup?: OptionLookup): Json {
  const type = String(el.type);
  const base: Json = { type, action_id: el.action_id, block_id: block.block_id, action_ts: actionTs };
  if (type === "button") {
    return {
      ...base,
      text: el.text,
      ...(el.value !== undefined ? { value: el.value } : {}),
      ...(el.style ? { style: el.style } : {}),
      ...(el.url ? { url: el.url } : {}),
    };
  }
  if (type === "overflow") return { ...base, selected_option: pickOption(el, picked) };
  const state = currentValue(el, picked, lookup);
  const initial: Json = {};
  for (const k of ["initial_option", "initial_options", "initial_date", "initial_value", "placeholder"]) if (el[k] !== undefined) initial[k] = el[k];
  return { ...base, ...initial, ...state };
}

export function isInteractive(el: Json): boolean {
  return INTERACTIVE.has(String(el.type));
}

/**
 * What Slack itself refuses before the app ever sees a submission: an empty required input,
 * text shorter than min_length, a malformed email or URL, a number out of range.
 */
export function clientSideErrors(blocks: readonly Json[], values: Record<string, Record<string, Json>>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const block of blocks) {
    if (block.type !== "input" || !isObj(block.element)) continue;
    const el = block.element;
    const v = values[String(block.block_id)]?.[String(el.action_id)];
    if (!v) continue;
    const empty =
      v.value === null ||
      v.selected_option === null ||
      v.selected_date === null ||
      (Array.isArray(v.selected_options) && v.selected_options.length === 0) ||
      v.selected_user === null ||
      v.selected_time === null;
    const id = String(block.block_id);
    if (empty) {
      if (!block.optional) errors[id] = "Please complete this required field.";
      continue;
    }
    const text = typeof v.value === "string" ? v.value : null;
    if (text === null) continue;
    if (typeof el.min_length === "number" && text.length < el.min_length) errors[id] = `Please enter at least ${el.min_length} characters.`;
    else if (typeof el.max_length === "number" && text.length > el.max_length) errors[id] = `Please enter no more than ${el.max_length} characters.`;
    else if (el.type === "email_text_input" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) errors[id] = "Please enter a valid email address.";
    else if (el.type === "url_text_input" && !/^https?:\/\/\S+$/i.test(text)) errors[id] = "Please enter a valid URL.";
    else if (el.type === "number_input") {
      const n = Number(text);
      if (!Number.isFinite(n) || (!el.is_decimal_allowed && !Number.isInteger(n))) errors[id] = "Please enter a valid number.";
      else if (el.min_value !== undefined && n < Number(el.min_value)) errors[id] = `Please enter a number of at least ${String(el.min_value)}.`;
      else if (el.max_value !== undefined && n > Number(el.max_value)) errors[id] = `Please enter a number of no more than ${String(el.max_value)}.`;
    }
  }
  return errors;
}

// ---- Slack's limits (https://docs.slack.dev/reference/block-kit) ----

type Check = { errors: string[]; at: string };

function text(c: Check, v: unknown, path: string, max: number, opts: { plainOnly?: boolean; required?: boolean } = {}): void {
  if (v === undefined || v === null) {
    if (opts.required !== false) c.errors.push(`missing required field: text object [${c.at}${path}]`);
    return;
  }
  if (!isObj(v) || (v.type !== "plain_text" && v.type !== "mrkdwn")) return void c.errors.push(`must be a text object [${c.at}${path}]`);
  if (opts.plainOnly && v.type !== "plain_text") c.errors.push(`must be a plain_text object [${c.at}${path}/type]`);
  if (typeof v.text !== "string") return void c.errors.push(`missing required field: text [${c.at}${path}/text]`);
  if (v.text.length === 0) c.errors.push(`must be more than 0 characters [${c.at}${path}/text]`);
  if (v.text.length > max) c.errors.push(`must be less than ${max + 1} characters [${c.at}${path}/text]`);
}

function maxLen(c: Check, v: unknown, path: string, max: number): void {
  if (typeof v === "string" && v.length > max) c.errors.push(`must be less than ${max + 1} characters [${c.at}${path}]`);
}

function confirmObj(c: Check, v: unknown, path: string): void {
  if (v === undefined) return;
  if (!isObj(v)) return void c.errors.push(`must be a confirm object [${c.at}${path}]`);
  text(c, v.title, `${path}/title`, 100, { plainOnly: true });
  text(c, v.text, `${path}/text`, 300);
  text(c, v.confirm, `${path}/confirm`, 30, { plainOnly: true });
  text(c, v.deny, `${path}/deny`, 30, { plainOnly: true });
}

function options(c: Check, list: unknown, path: string, maxCount: number): void {
  const opts = arr(list);
  if (opts.length > maxCount) c.errors.push(`must provide no more than ${maxCount} items [${c.at}${path}]`);
  opts.forEach((o, i) => {
    if (!isObj(o)) {
      c.errors.push(`must be an option object [${c.at}${path}/${i}]`);
      return;
    }
    text(c, o.text, `${path}/${i}/text`, 75);
    if (typeof o.value !== "string") c.errors.push(`missing required field: value [${c.at}${path}/${i}/value]`);
    maxLen(c, o.value, `${path}/${i}/value`, 150);
  });
}

function element(c: Check, el: unknown, path: string): void {
  if (!isObj(el)) return void c.errors.push(`must be an element object [${c.at}${path}]`);
  const type = String(el.type);
  maxLen(c, el.action_id, `${path}/action_id`, 255);
  confirmObj(c, el.confirm, `${path}/confirm`);
  if (el.placeholder !== undefined) text(c, el.placeholder, `${path}/placeholder`, 150, { plainOnly: true });
  switch (type) {
    case "button":
      text(c, el.text, `${path}/text`, 75, { plainOnly: true });
      maxLen(c, el.value, `${path}/value`, 2000);
      maxLen(c, el.url, `${path}/url`, 3000);
      if (el.style !== undefined && el.style !== "primary" && el.style !== "danger") c.errors.push(`must be one of primary, danger [${c.at}${path}/style]`);
      return;
    case "static_select":
    case "multi_static_select": {
      if (el.options === undefined && el.option_groups === undefined) c.errors.push(`must provide either options or option_groups [${c.at}${path}]`);
      options(c, el.options, `${path}/options`, 100);
      for (const [i, g] of arr(el.option_groups).entries()) options(c, isObj(g) ? g.options : [], `${path}/option_groups/${i}/options`, 100);
      const all = optionsOf(el).map((o) => o.value);
      const initial = type === "static_select" ? (isObj(el.initial_option) ? [el.initial_option] : []) : arr(el.initial_options);
      initial.forEach((o, i) => {
        if (!isObj(o) || !all.includes(o.value))
          c.errors.push(`must match one of the options [${c.at}${path}/initial_option${type === "static_select" ? "" : `s/${i}`}]`);
      });
      return;
    }
    case "overflow":
      if (arr(el.options).length < 1) c.errors.push(`must provide at least 1 items [${c.at}${path}/options]`);
      options(c, el.options, `${path}/options`, 5);
      return;
    case "checkboxes":
    case "radio_buttons": {
      options(c, el.options, `${path}/options`, 10);
      const all = optionsOf(el).map((o) => o.value);
      const initial = type === "radio_buttons" ? (isObj(el.initial_option) ? [el.initial_option] : []) : arr(el.initial_options);
      if (initial.some((o) => !isObj(o) || !all.includes(o.value))) c.errors.push(`must match one of the options [${c.at}${path}]`);
      return;
    }
    case "plain_text_input":
      for (const k of ["min_length", "max_length"] as const) {
        if (el[k] !== undefined && (typeof el[k] !== "number" || el[k] < 0 || el[k] > 3000)) c.errors.push(`must be between 0 and 3000 [${c.at}${path}/${k}]`);
      }
      if (typeof el.initial_value === "string" && typeof el.max_length === "number" && el.initial_value.length > el.max_length) {
        c.errors.push(`initial_value must not be longer than max_length [${c.at}${path}/initial_value]`);
      }
      maxLen(c, el.initial_value, `${path}/initial_value`, 3000);
      return;
    case "datepicker":
      if (el.initial_date !== undefined && !(typeof el.initial_date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(el.initial_date))) {
        c.errors.push(`must be a date in the format YYYY-MM-DD [${c.at}${path}/initial_date]`);
      }
      return;
    case "image":
      if (typeof el.image_url !== "string" && !isObj(el.slack_file)) c.errors.push(`missing required field: image_url [${c.at}${path}]`);
      if (typeof el.alt_text !== "string") c.errors.push(`missing required field: alt_text [${c.at}${path}]`);
      return;
    default:
      if (!STATEFUL.has(type)) c.errors.push(`unsupported element type ${type} [${c.at}${path}/type]`);
  }
}

export function validateBlocks(blocks: unknown, opts: { max: number; surface: "message" | "modal" | "home" }): string[] {
  const c: Check = { errors: [], at: "json-pointer:/blocks" };
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ["must be an array [json-pointer:/blocks]"];
  if (blocks.length > opts.max) c.errors.push(`must provide no more than ${opts.max} items [json-pointer:/blocks]`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    const p = `/${i}`;
    if (!isObj(b)) {
      c.errors.push(`must be a block object [${c.at}${p}]`);
      return;
    }
    const type = String(b.type);
    if (!BLOCK_TYPES.has(type)) {
      c.errors.push(`unsupported type: ${type} [${c.at}${p}/type]`);
      return;
    }
    if (typeof b.block_id === "string") {
      maxLen(c, b.block_id, `${p}/block_id`, 255);
      if (ids.has(b.block_id)) c.errors.push(`duplicate block_id ${b.block_id} [${c.at}${p}/block_id]`);
      ids.add(b.block_id);
    }
    switch (type) {
      case "section":
        if (b.text === undefined && b.fields === undefined) c.errors.push(`must provide either text or fields [${c.at}${p}]`);
        if (b.text !== undefined) text(c, b.text, `${p}/text`, 3000);
        if (b.fields !== undefined) {
          if (arr(b.fields).length > 10) c.errors.push(`must provide no more than 10 items [${c.at}${p}/fields]`);
          for (const [j, f] of arr(b.fields).entries()) text(c, f, `${p}/fields/${j}`, 2000);
        }
        if (b.accessory !== undefined) element(c, b.accessory, `${p}/accessory`);
        return;
      case "header":
        text(c, b.text, `${p}/text`, 150, { plainOnly: true });
        return;
      case "context": {
        const els = arr(b.elements);
        if (els.length < 1 || els.length > 10) c.errors.push(`must provide between 1 and 10 items [${c.at}${p}/elements]`);
        for (const [j, e] of els.entries()) {
          if (isObj(e) && e.type === "image") element(c, e, `${p}/elements/${j}`);
          else text(c, e, `${p}/elements/${j}`, 3000);
        }
        return;
      }
      case "actions": {
        const els = arr(b.elements);
        if (els.length < 1 || els.length > 25) c.errors.push(`must provide between 1 and 25 items [${c.at}${p}/elements]`);
        const actionIds = new Set<string>();
        els.forEach((e, j) => {
          element(c, e, `${p}/elements/${j}`);
          const id = isObj(e) ? e.action_id : undefined;
          if (typeof id === "string") {
            if (actionIds.has(id)) c.errors.push(`duplicate action_id ${id} [${c.at}${p}/elements/${j}/action_id]`);
            actionIds.add(id);
          }
        });
        return;
      }
      case "input":
        text(c, b.label, `${p}/label`, 2000, { plainOnly: true });
        if (b.hint !== undefined) text(c, b.hint, `${p}/hint`, 2000, { plainOnly: true });
        if (!isObj(b.element)) c.errors.push(`missing required field: element [${c.at}${p}]`);
        else element(c, b.element, `${p}/element`);
        return;
      case "image":
        element(c, { ...b, type: "image" }, p);
        if (b.title !== undefined) text(c, b.title, `${p}/title`, 2000, { plainOnly: true });
        return;
      default:
        return;
    }
  });
  return c.errors;
}

/** chat.postMessage / chat.update / response_url bodies. */
export function validateMessage(m: { text?: unknown; blocks?: unknown; attachments?: unknown }): { error: string; messages: string[] } | null {
  const hasBlocks = Array.isArray(m.blocks) && m.blocks.length > 0;
  const hasText = typeof m.text === "string" && m.text.trim() !== "";
  const hasAttachments = Array.isArray(m.attachments) && m.attachments.length > 0;
  if (!hasBlocks && !hasText && !hasAttachments) return { error: "no_text", messages: [] };
  if (typeof m.text === "string" && m.text.length > 40_000) return { error: "msg_too_long", messages: [] };
  const messages = validateBlocks(m.blocks, { max: 50, surface: "message" });
  return messages.length > 0 ? { error: "invalid_blocks", messages } : null;
}

export function validateView(view: unknown): string[] {
  if (!isObj(view)) return ["must be a view object [json-pointer:/view]"];
  const c: Check = { errors: [], at: "json-pointer:/view" };
  if (view.type !== "modal" && view.type !== "home") return [`must be one of modal, home [json-pointer:/view/type]`];
  if (view.type === "modal") {
    text(c, view.title, "/title", 24, { plainOnly: true });
    if (view.submit !== undefined) text(c, view.submit, "/submit", 24, { plainOnly: true });
    if (view.close !== undefined) text(c, view.close, "/close", 24, { plainOnly: true });
    if (arr(view.blocks).some((b) => isObj(b) && b.type === "input") && view.submit === undefined) {
      c.errors.push("must provide submit when blocks contain an input block [json-pointer:/view/submit]");
    }
  }
  maxLen(c, view.private_metadata, "/private_metadata", 3000);
  maxLen(c, view.callback_id, "/callback_id", 255);
  maxLen(c, view.external_id, "/external_id", 255);
  return [
    ...c.errors,
    ...validateBlocks(view.blocks ?? [], { max: 100, surface: view.type === "home" ? "home" : "modal" }).map((e) =>
      e.replace("json-pointer:/blocks", "json-pointer:/view/blocks"),
    ),
  ];
}
