// Block Kit to DOM, for messages, modals and the App Home. Text goes through mrkdwn.js (escaped
// first) or textContent; nothing the bot sends is ever inserted as markup of its own.
import { emojify, EMOJI, escapeHtml, mrkdwn, textObject } from "./mrkdwn.js";

/**
 * @typedef {{
 *   surface: "message" | "modal" | "home",
 *   key: string,
 *   drafts: Record<string, Record<string, unknown>>,
 *   errors?: Record<string, string>,
 *   users: Map<string, { id: string, name: string, realName: string }>,
 *   channels: Map<string, { id: string, name: string }>,
 *   onAction: (blockId: string, actionId: string, picked?: unknown) => Promise<void>,
 *   confirm: (c: object) => Promise<boolean>,
 * }} Ctx
 */

const el = (tag, cls, attrs = {}) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : String(v));
  return e;
};
const html = (tag, cls, markup) => {
  const e = el(tag, cls);
  e.innerHTML = markup; // markup comes only from mrkdwn()/textObject(), which escape all text
  return e;
};
const mctx = (ctx) => ({ userName: (id) => ctx.users.get(id)?.realName, channelName: (id) => ctx.channels.get(id)?.name });
const text = (t, ctx) => textObject(t, mctx(ctx));
const plain = (t) => (t && typeof t === "object" ? String(t.text ?? "") : "");
const fieldId = (ctx, blockId, actionId) => `f-${ctx.key}-${blockId}-${actionId}`.replace(/[^A-Za-z0-9_-]/g, "_");

function draft(ctx, blockId, actionId) {
  return ctx.drafts[blockId]?.[actionId];
}
function setDraft(ctx, blockId, actionId, v) {
  ctx.drafts[blockId] ??= {};
  ctx.drafts[blockId][actionId] = v;
}

/** Buttons show Slack's confirm dialog first, and a spinner while the app answers. */
function button(e, blockId, ctx) {
  const b = el("button", `bk-button${e.style ? ` bk-${e.style}` : ""}`, {
    type: "button",
    "data-action-id": e.action_id,
    "data-block-id": blockId,
    title: e.url ?? undefined,
  });
  b.innerHTML = text(e.text, ctx);
  b.addEventListener("click", async () => {
    if (b.disabled) return;
    if (e.confirm && !(await ctx.confirm(e.confirm))) return;
    if (e.url && /^https?:\/\//i.test(e.url)) window.open(e.url, "_blank", "noopener,noreferrer");
    b.disabled = true;
    b.classList.add("bk-busy");
    try {
      await ctx.onAction(blockId, e.action_id);
    } finally {
      b.disabled = false;
      b.classList.remove("bk-busy");
    }
  });
  return b;
}

function select(e, blockId, ctx, opts) {
  const multi = e.type.startsWith("multi_");
  const s = el("select", "bk-select", { id: fieldId(ctx, blockId, e.action_id), "data-action-id": e.action_id, "data-block-id": blockId, multiple: multi });
  if (!multi) {
    const ph = el("option", "", { value: "" });
    ph.textContent = plain(e.placeholder) || "Select an option";
    s.append(ph);
  }
  const addOptions = (parent, list) => {
    for (const o of list) {
      const opt = el("option", "", { value: o.value });
      opt.textContent = emojify(plain(o.text));
      parent.append(opt);
    }
  };
  if (e.type === "users_select" || e.type === "multi_users_select")
    addOptions(
      s,
      [...ctx.users.values()].map((u) => ({ text: { text: u.realName }, value: u.id })),
    );
  else if (/conversations_select|channels_select/.test(e.type))
    addOptions(
      s,
      [...ctx.channels.values()].map((c) => ({ text: { text: `#${c.name}` }, value: c.id })),
    );
  else {
    addOptions(s, e.options ?? []);
    for (const g of e.option_groups ?? []) {
      const og = el("optgroup", "", { label: plain(g.label) });
      addOptions(og, g.options ?? []);
      s.append(og);
    }
  }
  const d = draft(ctx, blockId, e.action_id);
  const initial = e.initial_option?.value ?? e.initial_user ?? e.initial_conversation ?? e.initial_channel ?? "";
  if (multi) {
    const chosen = Array.isArray(d) ? d : (e.initial_options ?? []).map((o) => o.value);
    for (const o of s.options) o.selected = chosen.includes(o.value);
  } else s.value = d === undefined ? initial : (d ?? "");
  s.addEventListener("change", async () => {
    const v = multi ? [...s.selectedOptions].map((o) => o.value) : s.value || null;
    setDraft(ctx, blockId, e.action_id, v);
    if (opts.dispatch) {
      if (!multi && e.confirm && !(await ctx.confirm(e.confirm))) return;
      await ctx.onAction(blockId, e.action_id, v);
    }
  });
  return s;
}

/**
 * external_select: a search box that asks the app for options as the person types (a
 * block_suggestion through the sandbox), and the list the app answered.
 */
function externalSelect(e, blockId, ctx, opts) {
  const box = el("div", "bk-external", { id: fieldId(ctx, blockId, e.action_id), "data-action-id": e.action_id, "data-block-id": blockId });
  const search = el("input", "bk-input bk-external-search", {
    type: "search",
    placeholder: plain(e.placeholder) || "Type to search",
    "aria-label": plain(e.placeholder) || "Search",
  });
  const list = el("select", "bk-select bk-external-list", { size: 6, "aria-label": "Options", hidden: true });
  const chosen = el("div", "bk-external-chosen");
  const d = draft(ctx, blockId, e.action_id);
  const shown = d === undefined ? plain(e.initial_option?.text) : (ctx.pickedText?.[`${blockId}/${e.action_id}`] ?? "");
  chosen.textContent = shown ? `Selected: ${shown}` : "";
  let timer;
  let asked = 0;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const n = ++asked;
      const options = await ctx.suggest(blockId, e.action_id, search.value);
      if (n !== asked) return; // a newer keystroke's answer wins
      list.replaceChildren(...options.map((o) => Object.assign(el("option", "", { value: o.value }), { textContent: emojify(plain(o.text)) })));
      if (!options.length) list.append(Object.assign(el("option", "", { value: "", disabled: true }), { textContent: "No results" }));
      list.hidden = false;
    }, 200);
  });
  list.addEventListener("change", async () => {
    const v = list.value || null;
    if (!v) return;
    const label = list.selectedOptions[0]?.textContent ?? "";
    setDraft(ctx, blockId, e.action_id, v);
    ctx.pickedText ??= {};
    ctx.pickedText[`${blockId}/${e.action_id}`] = label;
    chosen.textContent = `Selected: ${label}`;
    list.hidden = true;
    if (opts.dispatch) await ctx.onAction(blockId, e.action_id, v);
  });
  box.append(search, list, chosen);
  return box;
}

function overflow(e, blockId, ctx) {
  const s = el("select", "bk-overflow", { "aria-label": "More actions", "data-action-id": e.action_id, "data-block-id": blockId });
  s.append(Object.assign(el("option", "", { value: "" }), { textContent: "⋯" }));
  for (const o of e.options ?? []) s.append(Object.assign(el("option", "", { value: o.value }), { textContent: plain(o.text) }));
  s.addEventListener("change", async () => {
    const v = s.value;
    s.value = "";
    if (!v) return;
    if (e.confirm && !(await ctx.confirm(e.confirm))) return;
    await ctx.onAction(blockId, e.action_id, v);
  });
  return s;
}

function textInput(e, blockId, ctx, opts) {
  const id = fieldId(ctx, blockId, e.action_id);
  const multiline = e.type === "plain_text_input" && e.multiline;
  const attrs = {
    id,
    "data-action-id": e.action_id,
    "data-block-id": blockId,
    placeholder: plain(e.placeholder) || undefined,
    maxlength: typeof e.max_length === "number" ? e.max_length : undefined,
    type: multiline ? undefined : e.type === "email_text_input" ? "email" : e.type === "url_text_input" ? "url" : "text",
    inputmode: e.type === "number_input" ? (e.is_decimal_allowed ? "decimal" : "numeric") : undefined,
    autocomplete: "off",
  };
  const input = el(multiline ? "textarea" : "input", `bk-text${multiline ? " bk-multiline" : ""}`, attrs);
  const d = draft(ctx, blockId, e.action_id);
  input.value = typeof d === "string" ? d : (e.initial_value ?? "");
  if (e.focus_on_load) queueMicrotask(() => input.focus());
  input.addEventListener("input", () => setDraft(ctx, blockId, e.action_id, input.value));
  if (opts.dispatch) {
    input.addEventListener("keydown", async (ev) => {
      if (ev.key === "Enter" && !multiline) {
        ev.preventDefault();
        await ctx.onAction(blockId, e.action_id, input.value);
      }
    });
  }
  return input;
}

function dateInput(e, blockId, ctx, opts, kind) {
  const input = el("input", "bk-date", { type: kind, id: fieldId(ctx, blockId, e.action_id), "data-action-id": e.action_id, "data-block-id": blockId });
  const d = draft(ctx, blockId, e.action_id);
  input.value = typeof d === "string" ? d : ((kind === "date" ? e.initial_date : e.initial_time) ?? "");
  input.addEventListener("change", async () => {
    setDraft(ctx, blockId, e.action_id, input.value || null);
    if (opts.dispatch) await ctx.onAction(blockId, e.action_id, input.value || null);
  });
  return input;
}

function choices(e, blockId, ctx, opts) {
  const multi = e.type === "checkboxes";
  const box = el("div", `bk-choices bk-${e.type}`, {
    role: multi ? "group" : "radiogroup",
    id: fieldId(ctx, blockId, e.action_id),
    "data-action-id": e.action_id,
    "data-block-id": blockId,
  });
  const d = draft(ctx, blockId, e.action_id);
  const chosen =
    d !== undefined
      ? Array.isArray(d)
        ? d
        : d === null
          ? []
          : [d]
      : multi
        ? (e.initial_options ?? []).map((o) => o.value)
        : e.initial_option
          ? [e.initial_option.value]
          : [];
  const name = `${fieldId(ctx, blockId, e.action_id)}-opt`;
  for (const o of e.options ?? []) {
    const label = el("label", "bk-choice");
    const input = el("input", "", { type: multi ? "checkbox" : "radio", name, value: o.value, checked: chosen.includes(o.value) });
    const body = el("span", "bk-choice-text");
    body.innerHTML = text(o.text, ctx);
    if (o.description) body.append(html("span", "bk-choice-desc", text(o.description, ctx)));
    input.addEventListener("change", async () => {
      const picked = multi ? [...box.querySelectorAll("input:checked")].map((i) => i.value) : input.value;
      setDraft(ctx, blockId, e.action_id, picked);
      if (opts.dispatch) await ctx.onAction(blockId, e.action_id, picked);
    });
    label.append(input, body);
    box.append(label);
  }
  return box;
}

function image(e) {
  const url = typeof e.image_url === "string" && /^https:\/\//i.test(e.image_url) ? e.image_url : "";
  const img = el("img", "bk-image", { src: url || undefined, alt: e.alt_text ?? "", loading: "lazy", referrerpolicy: "no-referrer" });
  return img;
}

/** An interactive element; `dispatch` when a change should reach the app at once (outside input blocks). */
function element(e, blockId, ctx, opts = { dispatch: true }) {
  switch (e?.type) {
    case "button":
      return button(e, blockId, ctx);
    case "static_select":
    case "external_select":
      return externalSelect(e, blockId, ctx, opts);
    case "multi_static_select":
    case "users_select":
    case "multi_users_select":
    case "conversations_select":
    case "channels_select":
      return select(e, blockId, ctx, opts);
    case "overflow":
      return overflow(e, blockId, ctx);
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input":
      return textInput(e, blockId, ctx, opts);
    case "datepicker":
      return dateInput(e, blockId, ctx, opts, "date");
    case "timepicker":
      return dateInput(e, blockId, ctx, opts, "time");
    case "checkboxes":
    case "radio_buttons":
      return choices(e, blockId, ctx, opts);
    case "image":
      return image(e);
    default: {
      const u = el("span", "bk-unsupported");
      u.textContent = `[element ${String(e?.type)} is not rendered by the sandbox]`;
      return u;
    }
  }
}

// ---- rich_text ----

function richInline(items, ctx) {
  const out = [];
  for (const it of items ?? []) {
    let h = "";
    if (it.type === "text") h = escapeHtml(it.text).replace(/\n/g, "<br>");
    else if (it.type === "link")
      h = /^(https?:\/\/|mailto:)/i.test(it.url ?? "")
        ? `<a class="mk-link" href="${escapeHtml(it.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(it.text ?? it.url)}</a>`
        : escapeHtml(it.text ?? "");
    else if (it.type === "user") h = `<span class="mk-mention">@${escapeHtml(ctx.users.get(it.user_id)?.realName ?? it.user_id)}</span>`;
    else if (it.type === "channel") h = `<span class="mk-mention">#${escapeHtml(ctx.channels.get(it.channel_id)?.name ?? it.channel_id)}</span>`;
    else if (it.type === "emoji") h = EMOJI[it.name] ?? `:${escapeHtml(it.name)}:`;
    else if (it.type === "broadcast") h = `<span class="mk-mention mk-broadcast">@${escapeHtml(it.range)}</span>`;
    else if (it.type === "date")
      h = mrkdwn(`<!date^${Number(it.timestamp)}^${String(it.format ?? "{date}").replace(/[|<>]/g, "")}|${String(it.fallback ?? "")}>`, mctx(ctx));
    else h = escapeHtml(it.text ?? "");
    const st = it.style ?? {};
    if (st.code) h = `<code class="mk-code">${h}</code>`;
    if (st.bold) h = `<b>${h}</b>`;
    if (st.italic) h = `<i>${h}</i>`;
    if (st.strike) h = `<s>${h}</s>`;
    out.push(h);
  }
  return out.join("");
}

function richText(block, ctx) {
  const wrap = el("div", "bk-rich");
  for (const part of block.elements ?? []) {
    if (part.type === "rich_text_section") wrap.append(html("div", "bk-rich-section", richInline(part.elements, ctx)));
    else if (part.type === "rich_text_preformatted") wrap.append(html("pre", "mk-pre", richInline(part.elements, ctx)));
    else if (part.type === "rich_text_quote") wrap.append(html("blockquote", "mk-quote", richInline(part.elements, ctx)));
    else if (part.type === "rich_text_list") {
      const list = el(part.style === "ordered" ? "ol" : "ul", "bk-rich-list");
      if (part.indent) list.style.marginLeft = `${part.indent * 1.5}em`;
      for (const item of part.elements ?? []) list.append(html("li", "", richInline(item.elements, ctx)));
      wrap.append(list);
    }
  }
  return wrap;
}

// ---- blocks ----

/** Renders one surface's blocks. Returns a fragment. @param {any[]} blocks @param {Ctx} ctx */
export function renderBlocks(blocks, ctx) {
  const frag = document.createDocumentFragment();
  for (const b of blocks ?? []) frag.append(renderBlock(b, ctx));
  return frag;
}

function renderBlock(b, ctx) {
  const id = b.block_id;
  const wrap = el("div", `bk-block bk-${b.type}`, { "data-block-id": id });
  switch (b.type) {
    case "section": {
      const body = el("div", "bk-section-body");
      if (b.text) body.append(html("div", "bk-text-body", text(b.text, ctx)));
      if (b.fields?.length) {
        const grid = el("div", "bk-fields");
        for (const f of b.fields) grid.append(html("div", "bk-field", text(f, ctx)));
        body.append(grid);
      }
      wrap.append(body);
      if (b.accessory) {
        const acc = el("div", "bk-accessory");
        acc.append(element(b.accessory, id, ctx));
        wrap.append(acc);
      }
      break;
    }
    case "header":
      wrap.append(html("h3", "bk-header-text", text(b.text, ctx)));
      break;
    case "context":
      for (const e of b.elements ?? []) wrap.append(e.type === "image" ? image(e) : html("span", "bk-context-item", text(e, ctx)));
      break;
    case "divider":
      wrap.append(el("hr", "bk-hr"));
      break;
    case "actions":
      for (const e of b.elements ?? []) wrap.append(element(e, id, ctx));
      break;
    case "input": {
      const e = b.element ?? {};
      const label = el("label", "bk-label", { for: fieldId(ctx, id, e.action_id) });
      label.innerHTML = text(b.label, ctx);
      if (b.optional) label.append(Object.assign(el("span", "bk-optional"), { textContent: " (optional)" }));
      wrap.append(label, element(e, id, ctx, { dispatch: Boolean(b.dispatch_action) }));
      if (b.hint) wrap.append(html("div", "bk-hint", text(b.hint, ctx)));
      const err = ctx.errors?.[id];
      if (err) {
        wrap.classList.add("bk-has-error");
        const m = el("div", "bk-error", { role: "alert" });
        m.textContent = err;
        wrap.append(m);
      }
      break;
    }
    case "image":
      if (b.title) wrap.append(html("div", "bk-image-title", text(b.title, ctx)));
      wrap.append(image(b));
      break;
    case "rich_text":
      wrap.append(richText(b, ctx));
      break;
    case "markdown":
      wrap.append(html("div", "bk-text-body", mrkdwn(b.text ?? "", mctx(ctx))));
      break;
    default:
      wrap.classList.add("bk-unsupported");
      wrap.textContent = `[${String(b.type)} block: not rendered by the sandbox]`;
  }
  return wrap;
}

/** Legacy attachments: a coloured bar with their text, fields and blocks. */
export function renderAttachments(attachments, ctx) {
  const frag = document.createDocumentFragment();
  for (const a of attachments ?? []) {
    const box = el("div", "bk-attachment");
    if (/^#?[0-9a-f]{6}$/i.test(a.color ?? "")) box.style.borderLeftColor = a.color.startsWith("#") ? a.color : `#${a.color}`;
    else if (a.color === "good") box.style.borderLeftColor = "#2eb67d";
    else if (a.color === "warning") box.style.borderLeftColor = "#ecb22e";
    else if (a.color === "danger") box.style.borderLeftColor = "#e01e5a";
    if (a.title) box.append(html("div", "bk-att-title", mrkdwn(a.title, mctx(ctx))));
    if (a.text) box.append(html("div", "bk-text-body", mrkdwn(a.text, mctx(ctx))));
    for (const f of a.fields ?? []) box.append(html("div", "bk-field", `<b>${escapeHtml(f.title ?? "")}</b><br>${mrkdwn(f.value ?? "", mctx(ctx))}`));
    if (a.blocks) box.append(renderBlocks(a.blocks, ctx));
    frag.append(box);
  }
  return frag;
}
