// Slack mrkdwn to HTML, safely: every piece of text is HTML-escaped before any markup is added,
// control sequences (<url|text>, <@U…>, <!date…>) are rendered from their parts, and links are
// only ever http(s) or mailto. Pure functions (no DOM), so Node tests can run them too.

const HTML_ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** @param {unknown} s */
export function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => HTML_ESC[c]);
}

/** Slack escapes exactly these three in message text. */
export function decodeSlackEntities(s) {
  return String(s).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export const EMOJI = {
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  check: "✔️",
  x: "❌",
  warning: "⚠️",
  no_entry: "⛔",
  no_entry_sign: "🚫",
  lock: "🔒",
  unlock: "🔓",
  closed_lock_with_key: "🔐",
  key: "🔑",
  red_circle: "🔴",
  large_yellow_circle: "🟡",
  yellow_circle: "🟡",
  large_green_circle: "🟢",
  green_circle: "🟢",
  large_blue_circle: "🔵",
  white_circle: "⚪",
  black_circle: "⚫",
  calendar: "📅",
  date: "📅",
  spiral_calendar_pad: "🗓️",
  alarm_clock: "⏰",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  stopwatch: "⏱️",
  bell: "🔔",
  memo: "📝",
  pencil: "📝",
  pencil2: "✏️",
  clipboard: "📋",
  bar_chart: "📊",
  chart_with_upwards_trend: "📈",
  chart_with_downwards_trend: "📉",
  rocket: "🚀",
  sparkles: "✨",
  star: "⭐",
  tada: "🎉",
  wave: "👋",
  eyes: "👀",
  thumbsup: "👍",
  "+1": "👍",
  thumbsdown: "👎",
  "-1": "👎",
  pushpin: "📌",
  round_pushpin: "📍",
  link: "🔗",
  mag: "🔍",
  mag_right: "🔎",
  bulb: "💡",
  fire: "🔥",
  zap: "⚡",
  information_source: "ℹ️",
  question: "❓",
  exclamation: "❗",
  heavy_plus_sign: "➕",
  arrow_right: "➡️",
  arrow_left: "⬅️",
  arrows_counterclockwise: "🔄",
  repeat: "🔁",
  inbox_tray: "📥",
  outbox_tray: "📤",
  email: "📧",
  envelope: "✉️",
  page_facing_up: "📄",
  file_folder: "📁",
  busts_in_silhouette: "👥",
  bust_in_silhouette: "👤",
  shield: "🛡️",
  robot_face: "🤖",
  hammer_and_wrench: "🛠️",
  wastebasket: "🗑️",
  package: "📦",
  money_with_wings: "💸",
  moneybag: "💰",
  dart: "🎯",
  trophy: "🏆",
  crystal_ball: "🔮",
  zzz: "💤",
  sleeping: "😴",
  smile: "😄",
  slightly_smiling_face: "🙂",
  thinking_face: "🤔",
  raised_hands: "🙌",
  clap: "👏",
  muscle: "💪",
  seedling: "🌱",
  hatching_chick: "🐣",
  speech_balloon: "💬",
  loudspeaker: "📢",
  mega: "📣",
  calling: "📲",
  telephone_receiver: "📞",
  new: "🆕",
  soon: "🔜",
  end: "🔚",
  black_small_square: "▪️",
  small_orange_diamond: "🔸",
  small_blue_diamond: "🔹",
  construction: "🚧",
  globe_with_meridians: "🌐",
  iphone: "📱",
  camera: "📷",
  video_camera: "📹",
};

/** `:name:` to the emoji where we know it; unknown names stay as typed (Slack shows custom emoji). */
export function emojify(html) {
  return html.replace(/:([a-z0-9_+-]{1,40}):/g, (m, name) => EMOJI[name] ?? m);
}

const ORD = (n) => n + (n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th");

/** Slack's `<!date^unix^{token} text|fallback>`, in the viewer's own time zone. */
export function formatSlackDate(unixSeconds, format, now = new Date()) {
  const d = new Date(unixSeconds * 1000);
  if (Number.isNaN(d.getTime())) return null;
  const month = d.toLocaleString("en-US", { month: "long" });
  const monShort = d.toLocaleString("en-US", { month: "short" });
  const weekday = d.toLocaleString("en-US", { weekday: "long" });
  const ymd = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const dayDiff = Math.round((new Date(d.getFullYear(), d.getMonth(), d.getDate()) - new Date(now.getFullYear(), now.getMonth(), now.getDate())) / 86_400_000);
  const pretty = dayDiff === 0 ? "today" : dayDiff === -1 ? "yesterday" : dayDiff === 1 ? "tomorrow" : null;
  const tokens = {
    date_num: ymd,
    date: `${month} ${ORD(d.getDate())}, ${d.getFullYear()}`,
    date_short: `${monShort} ${d.getDate()}, ${d.getFullYear()}`,
    date_long: `${weekday}, ${month} ${ORD(d.getDate())}, ${d.getFullYear()}`,
    time: d.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" }),
    time_secs: d.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit", second: "2-digit" }),
  };
  tokens.date_pretty = pretty ?? tokens.date;
  tokens.date_short_pretty = pretty ?? tokens.date_short;
  tokens.date_long_pretty = pretty ?? tokens.date_long;
  const secs = Math.round((now.getTime() - d.getTime()) / 1000);
  const abs = Math.abs(secs);
  const unit =
    abs < 60
      ? [abs, "second"]
      : abs < 3600
        ? [Math.round(abs / 60), "minute"]
        : abs < 86_400
          ? [Math.round(abs / 3600), "hour"]
          : [Math.round(abs / 86_400), "day"];
  tokens.ago = secs >= 0 ? `${unit[0]} ${unit[1]}${unit[0] === 1 ? "" : "s"} ago` : `in ${unit[0]} ${unit[1]}${unit[0] === 1 ? "" : "s"}`;
  return format.replace(/\{(\w+)\}/g, (m, t) => tokens[t] ?? m);
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** One `<…>` control sequence, rendered from its parts (each escaped). */
function controlSequence(inner, ctx) {
  const [target, ...labelParts] = inner.split("|");
  const label = labelParts.length ? labelParts.join("|") : null;
  const show = (s) => escapeHtml(decodeSlackEntities(s));
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const name = ctx.userName?.(id) ?? label ?? id;
    return `<span class="mk-mention" data-user="${escapeHtml(id)}">@${show(name)}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const name = label ?? ctx.channelName?.(id) ?? id;
    return `<span class="mk-mention mk-channel">#${show(name)}</span>`;
  }
  if (target.startsWith("!")) {
    const [kind, ...args] = target.slice(1).split("^");
    if (kind === "here" || kind === "channel" || kind === "everyone") return `<span class="mk-mention mk-broadcast">@${kind}</span>`;
    if (kind === "subteam") return `<span class="mk-mention">${show(label ?? "@group")}</span>`;
    if (kind === "date") {
      const text = formatSlackDate(Number(args[0]), args[1] ?? "{date}", ctx.now?.() ?? new Date());
      const iso = new Date(Number(args[0]) * 1000);
      const title = Number.isNaN(iso.getTime()) ? "" : iso.toISOString();
      return `<time class="mk-date" datetime="${escapeHtml(title)}" title="${escapeHtml(title)}">${show(text ?? label ?? "")}</time>`;
    }
    return show(label ?? "");
  }
  const url = decodeSlackEntities(target);
  if (SAFE_URL.test(url)) {
    return `<a class="mk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${show(label ?? target)}</a>`;
  }
  return show(label ?? target);
}

/**
 * Slack mrkdwn to HTML. Order matters: control sequences are lifted out first (their text is
 * escaped by their renderer), then the rest is entity-decoded and HTML-escaped, and only then
 * are *bold*, _italic_, ~strike~, `code` and quotes turned into tags.
 * @param {string} text
 * @param {{ userName?: (id: string) => string | undefined, channelName?: (id: string) => string | undefined, now?: () => Date }} [ctx]
 */
export function mrkdwn(text, ctx = {}) {
  const held = [];
  const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
  let s = String(text ?? "").replace(/\u0000/g, "");
  s = s.replace(/<([^<>\n]*)>/g, (_m, inner) => hold(controlSequence(inner, ctx)));
  s = escapeHtml(decodeSlackEntities(s));
  s = s.replace(/```\n?([\s\S]*?)\n?```/g, (_m, code) => hold(`<pre class="mk-pre">${code}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_m, code) => hold(`<code class="mk-code">${code}</code>`));
  s = emojify(s);
  const open = "(^|[\\s(\\[{\"'“‘—–\\-/]|\u0000)";
  const close = "(?=$|[\\s)\\]}\"'”’.,;:!?—–\\-/]|\u0000)";
  s = s.replace(new RegExp(`${open}\\*(?![\\s*])([^*\\n]*?[^\\s*])\\*${close}`, "g"), "$1<b>$2</b>");
  s = s.replace(new RegExp(`${open}_(?![\\s_])([^_\\n]*?[^\\s_])_${close}`, "g"), "$1<i>$2</i>");
  s = s.replace(new RegExp(`${open}~(?![\\s~])([^~\\n]*?[^\\s~])~${close}`, "g"), "$1<s>$2</s>");
  s = s
    .split("\n")
    .map((line) => (line.startsWith("&gt;") ? `<span class="mk-quote">${line.replace(/^&gt; ?/, "")}</span>` : line))
    .join("\n")
    .replace(/\n/g, "<br>");
  // Held pieces may hold others (a mention inside a quote): restore until none are left.
  for (let i = 0; i < 3 && s.includes("\u0000"); i++) s = s.replace(/\u0000(\d+)\u0000/g, (_m, n) => held[Number(n)] ?? "");
  return s;
}

/** A Block Kit text object (plain_text or mrkdwn) as HTML. */
export function textObject(t, ctx = {}) {
  if (!t || typeof t !== "object") return "";
  if (t.type === "mrkdwn") return mrkdwn(t.text, ctx);
  const html = escapeHtml(t.text).replace(/\n/g, "<br>");
  return t.emoji === false ? html : emojify(html);
}
