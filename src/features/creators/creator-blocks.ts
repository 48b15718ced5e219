import type { ActionsBlock, Button, ConfirmationDialog, KnownBlock, ModalView } from "@slack/types";
import { ACTIONS, LABELS, VIEWS } from "../../slack/ids.js";
import { agree, plural } from "../../lib/plural.js";
import { esc, LIMITS, plain, truncate } from "../../slack/mrkdwn.js";
import { daysBetween, fromDbDate, type IsoDate } from "../../lib/dates.js";
import type { Health } from "../health/health-fns.js";
import { journeyLabel } from "./creator-labels.js";
import { encodeListPage, type ListFilters, type ListPageState } from "./creator-fns.js";
import type { CardData, FoundRow, ListPage } from "./creator-service.js";
import { FOLLOW_ACTIONS, FOLLOW_LABELS } from "../follows/follow-ids.js";

// Pure builders: data in, Block Kit out. Every piece of user text goes through esc(), every
// section through fit() to Slack's 3000 chars, every message stays under 50 blocks.

export type Message = { text: string; blocks: KnownBlock[] };

/**
 * Cuts text to a Slack limit counted in UTF-16 units, the strictest way Slack could count, so
 * emoji-heavy text can't push a block over (truncate() counts code points). Never splits a
 * surrogate pair or an entity esc() produced.
 */
export function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[a-z]{0,3}$/, "");
  return `${cut}…`;
}

const HEALTH_ICON: Record<string, string> = { RED: ":red_circle:", YELLOW: ":large_yellow_circle:", GREEN: ":large_green_circle:" };
export const healthIcon = (score: string) => HEALTH_ICON[score] ?? ":white_circle:";

const section = (text: string, extra: Partial<KnownBlock> = {}): KnownBlock =>
  ({ type: "section", text: { type: "mrkdwn", text: fit(text, LIMITS.sectionText) }, ...extra }) as KnownBlock;

const button = (label: string, actionId: string, value: string, more: Partial<Button> = {}): Button => ({
  type: "button",
  text: { type: "plain_text", text: plain(label, LIMITS.buttonText) },
  action_id: actionId,
  value,
  ...more,
});

function confirm(title: string, text: string, ok: string): ConfirmationDialog {
  return {
    title: { type: "plain_text", text: fit(plain(title, 100), 100) },
    text: { type: "mrkdwn", text: fit(text, 300) },
    confirm: { type: "plain_text", text: plain(ok, 30) },
    deny: { type: "plain_text", text: "Cancel" },
    style: "danger",
  };
}

export const archiveConfirm = (brand: string) =>
  confirm("Archive creator?", `Archive *${esc(truncate(brand, 100))}*? They leave lists, the Home tab and digests; nothing is deleted.`, LABELS.archive);

export const deleteConfirm = (brand: string) =>
  confirm(
    "Delete creator?",
    `Delete *${esc(truncate(brand, 100))}* and all their credentials, milestones and deliverables? This cannot be undone.`,
    LABELS.delete,
  );

function followUpText(d: Date | null, today: IsoDate): string {
  const iso = fromDbDate(d);
  if (!iso) return "none set";
  const n = daysBetween(today, iso);
  if (n === 0) return `${iso} (today)`;
  return n > 0 ? `${iso} (in ${n} day${n === 1 ? "" : "s"})` : `${iso} (${-n} day${n === -1 ? "" : "s"} overdue)`;
}

export function tagsText(tags: unknown): string {
  const list = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
  return list.length
    ? list
        .slice(0, 20)
        .map((t) => `\`${esc(truncate(t.replace(/`/g, "'"), 50))}\``)
        .join(" ")
    : "none";
}

function healthLine(h: Health): string {
  return `${healthIcon(h.score)} *${h.score}*${h.reasons.length ? `: ${esc(h.reasons.join("; "))}` : ""}`;
}

const PRIORITY_WORD: Record<number, string> = { 1: "1 (highest)", 5: "5 (lowest)" };

/**
 * The creator card (the contract's "creator card"). `notice` is mrkdwn the caller has already
 * escaped; `following` (managers only) adds Follow or Unfollow.
 */
export function creatorCard(d: CardData, opts: { today: IsoDate; isAdmin: boolean; notice?: string; following?: boolean }): Message {
  const c = d.creator;
  const blocks: KnownBlock[] = [];
  if (opts.notice) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: fit(opts.notice, LIMITS.sectionText) }] });
  blocks.push({ type: "header", text: { type: "plain_text", text: fit(plain(`${c.brandName} — ${c.creatorName}`, LIMITS.headerText), LIMITS.headerText) } });
  blocks.push({
    type: "section",
    fields: [
      { type: "mrkdwn", text: `*Journey status*\n${esc(journeyLabel(c.journeyStatus))}${c.isActive ? "" : " · _archived_"}` },
      { type: "mrkdwn", text: `*Health*\n${healthIcon(d.health.score)} ${d.health.score}` },
      { type: "mrkdwn", text: `*Priority*\n${PRIORITY_WORD[c.priorityLevel] ?? String(c.priorityLevel)}` },
      { type: "mrkdwn", text: `*Next follow-up*\n${followUpText(c.nextFollowUpDate, opts.today)}` },
      { type: "mrkdwn", text: `*Last contacted*\n${fromDbDate(c.lastContactedDate) ?? "never"}` },
      { type: "mrkdwn", text: fit(`*Email*\n${esc(c.creatorEmail)}`, 2000) },
    ],
  });
  if (d.health.reasons.length) {
    const title = d.health.score === "GREEN" ? "*Health*" : `*Why ${d.health.score}*`;
    blocks.push(section(`${title}\n${d.health.reasons.map((r) => `• ${esc(r)}`).join("\n")}`));
  }
  const ms = d.openMilestones.map((m) => {
    const due = m.targetDate ? ` — ${m.targetDate}${m.targetDate < opts.today ? " _overdue_" : ""}` : " — no target date";
    return `• ${esc(truncate(m.title, 200))}${due}`;
  });
  const more = d.openMilestoneCount - d.openMilestones.length;
  blocks.push(
    section(
      d.openMilestoneCount === 0
        ? "*Open milestones*\nnone"
        : `*Open milestones (${d.openMilestoneCount})*\n${ms.join("\n")}${more > 0 ? `\n…and ${more} more (${LABELS.milestones})` : ""}`,
    ),
  );
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: fit(`Tags: ${tagsText(c.tags)}`, LIMITS.sectionText) }] });
  blocks.push(cardActions(c.id, c.brandName, c.isActive, opts.isAdmin, opts.following));
  // The fallback text is shown (and notifies) like mrkdwn: escaped like the blocks.
  return { text: fit(esc(`${c.brandName} — ${c.creatorName}`), 300), blocks };
}

function cardActions(id: string, brand: string, isActive: boolean, isAdmin: boolean, following?: boolean): ActionsBlock {
  const elements: Button[] = [
    button(LABELS.moreDetails, ACTIONS.creatorEdit, id, { style: "primary" }),
    button(LABELS.status, ACTIONS.creatorStatus, id),
    button(LABELS.addMilestone, ACTIONS.milestoneAdd, id),
    button(LABELS.milestones, ACTIONS.creatorMilestones, id),
    button(LABELS.credentials, ACTIONS.creatorCredentials, id),
    button(LABELS.deliverable, ACTIONS.creatorDeliverable, id),
  ];
  if (isActive) elements.push(button(LABELS.archive, ACTIONS.creatorArchive, id, { confirm: archiveConfirm(brand) }));
  if (isAdmin) elements.push(button(LABELS.delete, ACTIONS.creatorDelete, id, { style: "danger", confirm: deleteConfirm(brand) }));
  if (following !== undefined) {
    elements.push(following ? button(FOLLOW_LABELS.unfollow, FOLLOW_ACTIONS.unfollow, id) : button(FOLLOW_LABELS.follow, FOLLOW_ACTIONS.follow, id));
  }
  return { type: "actions", block_id: "creator_card_actions", elements };
}

/** The reply to `/wl archive <creator>`: the button's confirm dialog is the second step. */
export function archivePrompt(c: { id: string; brandName: string; creatorName: string }): Message {
  const text = `Archive *${esc(c.brandName)}* (${esc(c.creatorName)})? Archived creators leave \`/wl list\`, the Home tab and digests; their data stays.`;
  return {
    text: fit(esc(`Archive ${c.brandName}?`), 300),
    blocks: [
      section(text),
      {
        type: "actions",
        block_id: "archive_confirm",
        elements: [button(LABELS.archive, ACTIONS.creatorArchive, c.id, { style: "danger", confirm: archiveConfirm(c.brandName) })],
      },
    ],
  };
}

function openButton(id: string): Button {
  return button(LABELS.open, ACTIONS.creatorOpen, id);
}

const HANDLE_PLATFORMS = [
  ["instagramHandle", "Instagram"],
  ["tiktokHandle", "TikTok"],
  ["twitterHandle", "X (Twitter)"],
] as const;

/** "Instagram @glow · TikTok @glow": a handle means little without its platform. */
export function handlesText(c: Partial<Record<(typeof HANDLE_PLATFORMS)[number][0], string | null>>): string {
  return HANDLE_PLATFORMS.flatMap(([k, name]) => (c[k] ? [`${name} ${esc(c[k])}`] : [])).join(" · ");
}

/** The card over the Home tab (App Home's `Open`): where the click was, not in Messages. */
export function cardModal(card: Message): ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.loading,
    title: { type: "plain_text", text: "Creator" },
    close: { type: "plain_text", text: "Close" },
    blocks: card.blocks,
  };
}

export function findResults(text: string, r: { rows: FoundRow[]; total: number }): Message {
  if (r.total === 0) {
    const t = `No creator's brand, name, email or handle contains “${esc(truncate(text, 100))}”.`;
    return { text: t, blocks: [section(t)] };
  }
  const head = `${plural(r.total, "creator")} ${agree(r.total, "matches", "match")} “${esc(truncate(text, 100))}”`;
  const blocks: KnownBlock[] = [section(`*${head}*`)];
  for (const c of r.rows) {
    const handles = handlesText(c);
    blocks.push(
      section(
        `*${esc(truncate(c.brandName, 200))}* — ${esc(truncate(c.creatorName, 200))} · ${esc(truncate(c.creatorEmail, 254))}\n` +
          `${esc(journeyLabel(c.journeyStatus))} · ${healthIcon(c.healthScore)} ${c.healthScore}${c.isActive ? "" : " · _archived_"}${handles ? ` · ${truncate(handles, 400)}` : ""}`,
        { block_id: `find_${c.id}`, accessory: openButton(c.id) } as Partial<KnownBlock>,
      ),
    );
  }
  if (r.total > r.rows.length) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `Showing the first ${r.rows.length} of ${r.total}. Type more of the name to narrow it down.` }],
    });
  }
  return { text: head, blocks };
}

export function filtersText(f: ListFilters): string {
  const parts = [f.status ? journeyLabel(f.status) : undefined, f.health, f.tag ? `tag:${esc(f.tag)}` : undefined].filter(Boolean);
  return parts.length ? parts.join(" · ") : "all";
}

export function listPage(l: ListPage, f: ListFilters, today: IsoDate): Message {
  const head = `Active creators (${filtersText(f)}): ${l.total}, most urgent first`;
  if (l.total === 0) return { text: head, blocks: [section(`*${head}*\nNone match. Try \`/wl list\` without filters.`)] };
  const blocks: KnownBlock[] = [section(`*${head}*`)];
  for (const r of l.rows) {
    const details = [
      esc(journeyLabel(r.journeyStatus)),
      `priority ${r.priorityLevel}`,
      `follow-up ${followUpText(r.nextFollowUpDate, today)}`,
      `${r.openMilestones} open milestone${r.openMilestones === 1 ? "" : "s"}`,
    ].join(" · ");
    blocks.push(
      section(`*${esc(truncate(r.brandName, 200))}* — ${esc(truncate(r.creatorName, 200))}\n${healthLine(r.health)}\n${details}`, {
        block_id: `list_${r.id}`,
        accessory: openButton(r.id),
      } as Partial<KnownBlock>),
    );
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `Page ${l.page + 1} of ${l.pages}` }] });
  // One row of buttons: Slack wants action_ids unique within a block, so Previous has its own id (same handler).
  const state = (page: number): ListPageState => ({ ...f, page });
  const pager: Button[] = [
    ...(l.page > 0 ? [button(LABELS.previous, ACTIONS.listPagePrevious, encodeListPage(state(l.page - 1)))] : []),
    ...(l.page < l.pages - 1 ? [button(LABELS.next, ACTIONS.listPage, encodeListPage(state(l.page + 1)))] : []),
  ];
  if (pager.length > 0) blocks.push({ type: "actions", block_id: "list_pages", elements: pager });
  return { text: head, blocks };
}
