// The sandbox page: pick who you are, type /wl commands, see what the bot sends (channel and
// ephemeral messages, DMs, the App Home, modals), click and submit. State lives on the server;
// the page re-reads it whenever the event stream says something changed.
import { renderAttachments, renderBlocks } from "./block-kit.js";
import { escapeHtml, mrkdwn } from "./mrkdwn.js";

const $ = (id) => document.getElementById(id);
const el = (tag, cls, attrs = {}) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : String(v));
  return e;
};

let state = null;
let me = new URLSearchParams(location.search).get("as") || localStorage.getItem("wl-sandbox-as") || "U0DEMOADA";
let where = parseHash();
/** What people have typed or picked, per surface: `m:<channel>:<ts>` or `v:<view id>`. */
const drafts = {};
const painted = { sidebar: "", main: "", modal: "", log: "", who: "" };
const sent = [];
let sentIndex = -1;

function parseHash() {
  const h = decodeURIComponent(location.hash.slice(1));
  if (h.startsWith("app/")) return { kind: "app", tab: h.slice(4) === "messages" ? "messages" : "home" };
  const [id, ts] = h.split("/");
  return id ? { kind: "channel", id, focusTs: ts } : { kind: "channel", id: "C0GENERAL" };
}
const dmId = () => `D${me.slice(1)}`;
const currentChannelId = () => (where.kind === "app" ? dmId() : where.id);

async function post(path, body) {
  try {
    const res = await fetch(`ui/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: me, ...body }) });
    return await res.json();
  } catch (e) {
    return { ok: false, error: `the sandbox did not answer (${e.message})` };
  }
}

// ---- state ----

let fetching = null;
let again = false;
async function refresh() {
  if (fetching) {
    again = true;
    return fetching;
  }
  fetching = (async () => {
    do {
      again = false;
      const res = await fetch(`ui/state?user=${encodeURIComponent(me)}`, { cache: "no-store" });
      state = await res.json();
      render();
    } while (again);
  })().finally(() => (fetching = null));
  return fetching;
}

function connectEvents() {
  const es = new EventSource("ui/events");
  es.onmessage = (ev) => {
    const { version } = JSON.parse(ev.data);
    if (!state || version !== state.version) void refresh();
  };
  es.onerror = () => $("status").classList.add("offline");
  es.onopen = () => $("status").classList.remove("offline");
}

// ---- helpers ----

const users = () => new Map(state.users.map((u) => [u.id, u]));
const channels = () => new Map(state.channels.filter((c) => c.kind === "channel").map((c) => [c.id, c]));
const initials = (name) =>
  name
    .split(/\s+/)
    .map((p) => p[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();
const hue = (id) => [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
const timeOf = (ts) => new Date(Number(ts.split(".")[0]) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function toast(message, level = "error") {
  const t = $("toast");
  t.textContent = message;
  t.className = `toast toast-${level}`;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 5000);
}

function confirmDialog(c) {
  return new Promise((resolve) => {
    const layer = $("confirm-layer");
    layer.replaceChildren();
    const box = el("div", "confirm", { role: "alertdialog", "aria-modal": "true", "aria-labelledby": "confirm-title" });
    const title = el("h2", "", { id: "confirm-title" });
    title.textContent = c.title?.text ?? "Are you sure?";
    const body = el("div", "confirm-text");
    body.innerHTML = c.text?.type === "mrkdwn" ? mrkdwn(c.text.text, mctx()) : escapeHtml(c.text?.text ?? "");
    const deny = el("button", "bk-button", { type: "button" });
    deny.textContent = c.deny?.text ?? "Cancel";
    const ok = el("button", `bk-button ${c.style === "danger" ? "bk-danger" : "bk-primary"}`, { type: "button" });
    ok.textContent = c.confirm?.text ?? "Yes";
    const done = (v) => {
      layer.hidden = true;
      layer.replaceChildren();
      resolve(v);
    };
    deny.onclick = () => done(false);
    ok.onclick = () => done(true);
    layer.onclick = (ev) => ev.target === layer && done(false);
    const footer = el("div", "confirm-actions");
    footer.append(deny, ok);
    box.append(title, body, footer);
    layer.append(box);
    layer.hidden = false;
    ok.focus();
  });
}

const mctx = () => {
  const u = users();
  const c = channels();
  return { userName: (id) => u.get(id)?.realName, channelName: (id) => c.get(id)?.name };
};

function blockCtx(surface, key, onAction, errors, source) {
  drafts[key] ??= {};
  pickedTexts[key] ??= {};
  return {
    surface,
    key,
    drafts: drafts[key],
    pickedText: pickedTexts[key],
    errors,
    users: users(),
    channels: channels(),
    onAction,
    confirm: confirmDialog,
    suggest: (blockId, actionId, value) => suggest(source, key, blockId, actionId, value),
  };
}

// What an external_select showed as picked, per surface (Slack shows the option's text).
const pickedTexts = {};

async function suggest(source, key, blockId, actionId, value) {
  const r = await post("options", { source, blockId, actionId, value, drafts: drafts[key] ?? {} });
  if (!r.ok) toast(r.error);
  return r.options ?? [];
}

async function runShortcut(callbackId, message) {
  const r = await post("shortcut", { callbackId, ...(message ? { message } : {}) });
  if (!r.ok) toast(r.error);
}

/** A menu of shortcuts (Slack's ⚡ menu in the composer, and the ⋯ "More actions" on a message). */
function shortcutMenu(type, label, onPick) {
  const list = (state.shortcuts ?? []).filter((s) => s.type === type);
  if (!list.length) return null;
  const s = el("select", `shortcut-menu shortcut-${type}`, { "aria-label": label, title: label });
  s.append(Object.assign(el("option", "", { value: "" }), { textContent: type === "global" ? "⚡" : "⋯" }));
  for (const sc of list) s.append(Object.assign(el("option", "", { value: sc.callbackId }), { textContent: sc.name }));
  s.addEventListener("change", () => {
    const v = s.value;
    s.value = "";
    if (v) void onPick(v);
  });
  return s;
}

async function act(source, key, blockId, actionId, picked) {
  const r = await post("action", { source, blockId, actionId, picked, drafts: drafts[key] ?? {} });
  if (!r.ok) toast(r.error);
}

// ---- rendering ----

function render() {
  if (!state) return;
  me = state.me;
  renderWho();
  renderMain();
  renderSidebar();
  renderModal();
  renderLog();
  $("status").classList.toggle("offline", !state.connected);
}

function renderWho() {
  const sig = JSON.stringify([state.users, me]);
  if (sig === painted.who) return;
  painted.who = sig;
  const who = $("who");
  who.replaceChildren(
    ...state.users.map((u) => {
      const o = el("option", "", { value: u.id });
      o.textContent = `${u.realName} · ${u.role ?? "no role"}`;
      return o;
    }),
  );
  who.value = me;
  const u = users().get(me);
  $("me-avatar").textContent = initials(u?.realName ?? "?");
  $("me-avatar").style.background = `hsl(${hue(me)} 45% 42%)`;
}

/** Read state is the sandbox's, as it is Slack's: a DM waits unread until its person opens it. */
function unread(cid) {
  const list = state.messages[cid] ?? [];
  const read = state.lastRead[cid] ?? "0";
  return list.filter((m) => m.ts > read && m.user !== me && m.kind !== "command").length;
}

function markRead(cid, ts) {
  if (!ts || (state.lastRead[cid] ?? "0") >= ts) return;
  state.lastRead[cid] = ts;
  void post("read", { channel: cid, ts });
}

function renderSidebar() {
  const list = $("channel-list");
  const apps = $("app-list");
  const items = state.channels.filter((c) => c.kind === "channel").map((c) => ({ c, n: unread(c.id) }));
  const dmUnread = unread(dmId());
  const sig = JSON.stringify([items.map((i) => [i.c.id, i.n]), dmUnread, where]);
  if (sig === painted.sidebar) return;
  painted.sidebar = sig;
  list.replaceChildren(
    ...items.map(({ c, n }) => {
      const a = el("a", `nav-item${where.kind === "channel" && where.id === c.id ? " active" : ""}${n ? " unread" : ""}`, {
        href: `#${c.id}`,
        "data-channel": c.id,
      });
      a.textContent = `# ${c.name}`;
      if (n) a.append(Object.assign(el("span", "badge"), { textContent: String(n) }));
      return a;
    }),
  );
  const app = el("a", `nav-item app-item${where.kind === "app" ? " active" : ""}${dmUnread ? " unread" : ""}`, { href: "#app/home", "data-app": "wavelaunch" });
  app.append(Object.assign(el("span", "app-icon"), { textContent: "W" }), document.createTextNode(state.bot.name));
  if (dmUnread) app.append(Object.assign(el("span", "badge"), { textContent: String(dmUnread) }));
  apps.replaceChildren(app);
}

function renderMessage(m, channelId) {
  const u = users();
  const isBot = m.user === state.bot.userId;
  const author = isBot ? state.bot.name : m.user === "USLACKBOT" ? "Slackbot" : (u.get(m.user)?.realName ?? m.user);
  const row = el("div", `msg${m.ephemeral ? " ephemeral" : ""}${m.kind ? ` msg-${m.kind}` : ""}`, {
    "data-ts": m.ts,
    "data-channel": channelId,
    "data-author": isBot ? "bot" : m.user,
  });
  if (m.kind === "command") {
    const t = el("div", "command-echo");
    t.append(
      Object.assign(el("code"), { textContent: m.text }),
      Object.assign(el("span", "eph-note"), { textContent: "Only visible to you · the slash command you ran" }),
    );
    row.append(t);
    return row;
  }
  const avatar = el("div", `avatar${isBot ? " avatar-bot" : ""}`);
  avatar.textContent = isBot ? "W" : m.user === "USLACKBOT" ? "S" : initials(author);
  if (!isBot) avatar.style.background = `hsl(${hue(m.user)} 45% 42%)`;
  const body = el("div", "msg-body");
  const meta = el("div", "msg-meta");
  meta.append(Object.assign(el("span", "msg-author"), { textContent: author }));
  if (isBot) meta.append(Object.assign(el("span", "app-badge"), { textContent: "APP" }));
  meta.append(Object.assign(el("span", "msg-time"), { textContent: timeOf(m.ts) }));
  if (m.edited) meta.append(Object.assign(el("span", "msg-edited"), { textContent: "(edited)" }));
  if (m.ephemeral) meta.append(Object.assign(el("span", "eph-note"), { textContent: "Only visible to you" }));
  // Message shortcuts are offered on every message but ephemeral ones, as in Slack.
  const more = m.ephemeral ? null : shortcutMenu("message", "More actions", (cb) => runShortcut(cb, { channel: channelId, ts: m.ts }));
  if (more) meta.append(more);
  body.append(meta);
  const content = el("div", "msg-content");
  const key = `m:${channelId}:${m.ts}`;
  const source = { type: "message", channel: channelId, ts: m.ts };
  const ctx = blockCtx("message", key, (blockId, actionId, picked) => act(source, key, blockId, actionId, picked), undefined, source);
  if (m.blocks?.length) content.append(renderBlocks(m.blocks, ctx));
  else if (m.text) {
    const t = el("div", "bk-text-body");
    t.innerHTML = mrkdwn(m.text, mctx());
    content.append(t);
  }
  if (m.attachments?.length) content.append(renderAttachments(m.attachments, ctx));
  for (const f of m.files ?? []) {
    const href = `files/${encodeURIComponent(f.id)}`;
    if (f.image) {
      const img = el("img", "file-image", { src: href, alt: f.title || f.name });
      content.append(img);
    }
    // The card downloads the file, as Slack's attachment does.
    const card = el("a", "file-card", { href: `${href}?download=1`, download: f.name, rel: "noopener" });
    card.append(
      Object.assign(el("span", "file-icon"), { textContent: f.image ? "🖼" : "📄" }),
      Object.assign(el("span", "file-title"), { textContent: f.title || f.name }),
      Object.assign(el("span", "file-size"), { textContent: `${f.name} · ${Math.max(1, Math.round(f.size / 1024))} KB` }),
    );
    content.append(card);
  }
  body.append(content);
  if (m.ephemeral) {
    const dismiss = el("button", "link-button dismiss", { type: "button" });
    dismiss.textContent = "Dismiss message";
    dismiss.onclick = () => row.remove();
    body.append(dismiss);
  }
  row.append(avatar, body);
  return row;
}

function renderMain() {
  const channelId = currentChannelId();
  const channel = state.channels.find((c) => c.id === channelId);
  if (where.kind === "channel" && !channel) {
    where = { kind: "channel", id: "C0GENERAL" };
    return renderMain();
  }
  const msgs = state.messages[channelId] ?? [];
  const showHome = where.kind === "app" && where.tab === "home";
  const sig = JSON.stringify([where, me, showHome ? state.home : msgs, showHome ? null : state.users]);
  if (!showHome) markRead(channelId, msgs.at(-1)?.ts);
  if (sig === painted.main) return;
  painted.main = sig;

  const header = $("conv-header");
  header.replaceChildren();
  const title = el("h1", "conv-title");
  title.textContent = where.kind === "app" ? state.bot.name : `# ${channel.name}`;
  header.append(title);
  const tabs = $("app-tabs");
  tabs.hidden = where.kind !== "app";
  for (const t of tabs.querySelectorAll("a")) t.classList.toggle("active", where.kind === "app" && t.dataset.tab === where.tab);

  const list = $("messages");
  const home = $("home");
  list.hidden = showHome;
  home.hidden = !showHome;
  if (showHome) {
    home.replaceChildren();
    if (!state.home) {
      home.append(Object.assign(el("p", "empty"), { textContent: "The app has not published a Home tab for you yet." }));
    } else {
      const v = state.home;
      const key = `v:${v.id}`;
      const source = { type: "view", viewId: v.id };
      home.append(
        renderBlocks(
          v.def.blocks,
          blockCtx("home", key, (b, a, p) => act(source, key, b, a, p), undefined, source),
        ),
      );
    }
  } else {
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.replaceChildren(
      ...(msgs.length
        ? msgs.map((m) => renderMessage(m, channelId))
        : [Object.assign(el("p", "empty"), { textContent: where.kind === "app" ? "No messages from the app yet." : "No messages yet. Try /wl help." })]),
    );
    const focus = where.focusTs && list.querySelector(`[data-ts="${CSS.escape(where.focusTs)}"]`);
    if (focus) {
      focus.classList.add("highlight");
      focus.scrollIntoView({ block: "center" });
      where.focusTs = undefined;
    } else if (nearBottom || painted.lastChannel !== channelId) list.scrollTop = list.scrollHeight;
  }
  painted.lastChannel = channelId;

  const input = $("composer-input");
  const readOnly = where.kind === "app";
  input.disabled = readOnly;
  $("composer-send").disabled = readOnly;
  input.placeholder = readOnly
    ? "This app's Messages tab is read-only (manifest.yml). Type commands in #general."
    : `Message #${channel?.name ?? ""} · try /wl help`;
  $("composer").classList.toggle("read-only", readOnly);
  $("composer").hidden = showHome; // the Home tab has no composer in Slack
  const row = $("composer").querySelector(".composer-row");
  row.querySelector(".shortcut-global")?.remove();
  const menu = shortcutMenu("global", "Shortcuts", (cb) => runShortcut(cb));
  if (menu) row.prepend(menu);
}

function renderModal() {
  const stack = state.modals;
  const top = stack.at(-1);
  const sig = JSON.stringify(top ? [top.id, top.hash, top.errors, top.banner, stack.length] : null);
  // Views that closed take their drafts with them.
  for (const k of Object.keys(drafts)) if (k.startsWith("v:") && !stack.some((v) => `v:${v.id}` === k) && state.home?.id !== k.slice(2)) delete drafts[k];
  if (sig === painted.modal) return;
  painted.modal = sig;
  const layer = $("modal-layer");
  if (!top) {
    layer.hidden = true;
    layer.replaceChildren();
    return;
  }
  const def = top.def;
  const key = `v:${top.id}`;
  const modal = el("div", "modal", {
    role: "dialog",
    "aria-modal": "true",
    "aria-labelledby": "modal-title",
    "data-view-id": top.id,
    "data-callback-id": def.callback_id ?? "",
  });
  const head = el("header", "modal-head");
  if (stack.length > 1) head.append(Object.assign(el("span", "modal-back", { title: "Pushed view" }), { textContent: "‹" }));
  const h = el("h2", "", { id: "modal-title" });
  h.textContent = def.title?.text ?? "";
  const x = el("button", "modal-x", { type: "button", "aria-label": "Close" });
  x.textContent = "×";
  head.append(h, x);
  const body = el("div", "modal-body");
  if (top.banner) body.append(Object.assign(el("div", "modal-banner", { role: "alert" }), { textContent: top.banner }));
  const source = { type: "view", viewId: top.id };
  body.append(
    renderBlocks(
      def.blocks,
      blockCtx("modal", key, (b, a, p) => act(source, key, b, a, p), top.errors, source),
    ),
  );
  const foot = el("footer", "modal-foot");
  const close = el("button", "bk-button modal-close", { type: "button" });
  close.textContent = def.close?.text ?? "Cancel";
  foot.append(close);
  let submit = null;
  if (def.submit) {
    submit = el("button", "bk-button bk-primary modal-submit", { type: "button" });
    submit.textContent = def.submit.text;
    foot.append(submit);
  }
  const doClose = async () => {
    const r = await post("close", { viewId: top.id });
    if (!r.ok) toast(r.error);
  };
  x.onclick = doClose;
  close.onclick = doClose;
  if (submit) {
    submit.onclick = async () => {
      submit.disabled = true;
      submit.classList.add("bk-busy");
      const r = await post("submit", { viewId: top.id, drafts: drafts[key] ?? {} });
      submit.disabled = false;
      submit.classList.remove("bk-busy");
      if (!r.ok && !r.errors) toast(r.error);
    };
  }
  modal.append(head, body, foot);
  // views.update can land while someone types: keep their place (drafts keep their text).
  const active = document.activeElement;
  const focusId = layer.contains(active) ? active.id : "";
  const caret = focusId && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
  layer.replaceChildren(modal);
  layer.hidden = false;
  const again = focusId && document.getElementById(focusId);
  if (again) {
    again.focus();
    try {
      if (caret) again.setSelectionRange(caret[0], caret[1]);
    } catch {
      // inputs without a caret (date, email) keep focus only
    }
  } else {
    const first = modal.querySelector("input, textarea, select");
    if (first) first.focus();
  }
}

function renderLog() {
  const entries = state.log;
  const sig = `${entries.length}:${entries.at(-1)?.at ?? 0}:${entries.at(-1)?.text ?? ""}`;
  if (sig === painted.log) return;
  painted.log = sig;
  const list = $("log-list");
  list.replaceChildren(
    ...entries
      .slice(-120)
      .reverse()
      .map((e) => {
        const li = el("li", `log-${e.kind} log-${e.level}`);
        const t = new Date(e.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
        li.append(
          Object.assign(el("span", "log-time"), { textContent: t }),
          Object.assign(el("span", "log-kind"), { textContent: e.kind === "api" ? "bot → Slack" : e.kind === "request" ? "Slack → bot" : "note" }),
          Object.assign(el("span", "log-text"), { textContent: e.text }),
        );
        return li;
      }),
  );
  const warnings = entries.filter((e) => e.kind === "notice" && e.level !== "info").length;
  $("log-count").textContent = warnings ? `${warnings} note${warnings === 1 ? "" : "s"}` : "";
}

// ---- wiring ----

function go(hash) {
  if (location.hash !== hash) location.hash = hash;
  else onHash();
}

function onHash() {
  where = parseHash();
  painted.main = "";
  painted.sidebar = "";
  if (where.kind === "app") void post("home", { tab: where.tab });
  render();
}

function switchUser(id) {
  me = id;
  localStorage.setItem("wl-sandbox-as", id);
  const url = new URL(location.href);
  url.searchParams.set("as", id);
  history.replaceState(null, "", url);
  for (const k of Object.keys(painted)) painted[k] = "";
  for (const k of Object.keys(drafts)) delete drafts[k];
  state = null;
  void refresh().then(() => where.kind === "app" && post("home", { tab: where.tab }));
}

function wire() {
  $("who").addEventListener("change", (ev) => switchUser(ev.target.value));
  window.addEventListener("hashchange", onHash);
  $("composer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $("composer-input");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    sent.push(text);
    sentIndex = sent.length;
    const r = await post("command", { channel: currentChannelId(), text });
    if (!r.ok) toast(r.error);
  });
  $("composer-input").addEventListener("keydown", (ev) => {
    if (ev.key !== "ArrowUp" && ev.key !== "ArrowDown") return;
    if (!sent.length) return;
    ev.preventDefault();
    sentIndex = Math.max(0, Math.min(sent.length, sentIndex + (ev.key === "ArrowUp" ? -1 : 1)));
    ev.target.value = sent[sentIndex] ?? "";
  });
  for (const chip of document.querySelectorAll("[data-command]")) {
    chip.addEventListener("click", () => {
      if (where.kind === "app") go("#C0GENERAL");
      const input = $("composer-input");
      input.value = chip.dataset.command;
      input.focus();
      if (!chip.dataset.command.endsWith(" ")) $("composer").requestSubmit();
    });
  }
  $("log-toggle").addEventListener("click", () => document.body.classList.toggle("log-open"));
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !$("confirm-layer").hidden) return;
    if (ev.key === "Escape" && !$("modal-layer").hidden) $("modal-layer").querySelector(".modal-x")?.click();
  });
}

wire();
if (window.matchMedia("(min-width: 1280px)").matches) document.body.classList.add("log-open");
void refresh().then(() => where.kind === "app" && post("home", { tab: where.tab }));
connectEvents();
