import type { KnownBlock } from "@slack/types";
import { ACTIONS, LABELS } from "../../slack/ids.js";
import { esc, LIMITS, plain, truncate } from "../../slack/mrkdwn.js";
import { journeyLabel } from "../creators/creator-labels.js";
import { DIGEST_PAGE_SIZE, DIGEST_TOP, packMessages, type Unit } from "./digest-fns.js";
import type { DigestEntry, DigestMessage, DigestMode, DigestSnapshot } from "./digest-types.js";

// The digest as Slack blocks. Every creator is exactly two blocks (its row and its buttons), so
// a day's plan always splits the same way: a resumed post continues where the crash left off.

const EMOJI = { RED: "🔴", YELLOW: "🟡", GREEN: "🟢" } as const;
const NAMES_SHOWN = 10;

/** Block ids of a creator's row, so a button can find and replace it in place. */
export const rowId = (creatorId: string) => `dg_row:${creatorId}`;
export const actionsId = (creatorId: string) => `dg_act:${creatorId}`;

export function formatDay(d: string): string {
  return new Date(`${d}T12:00:00Z`).toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

function button(actionId: string, label: string, value: string) {
  return { type: "button" as const, action_id: actionId, text: { type: "plain_text" as const, text: label }, value };
}

function nameList(names: readonly string[]): string {
  if (names.length === 0) return "";
  const shown = names.slice(0, NAMES_SHOWN).map((n) => esc(plain(n, 40)));
  const more = names.length - shown.length;
  return ` (${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""})`;
}

function section(text: string, blockId?: string): KnownBlock {
  return { type: "section", ...(blockId ? { block_id: blockId } : {}), text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } };
}

function rowText(e: DigestEntry, isNew: boolean): string {
  const head = `${EMOJI[e.score]} *${esc(e.brandName)}* — ${esc(e.creatorName)} · ${esc(journeyLabel(e.journeyStatus))} · P${e.priority}${isNew ? " · 🆕 new RED" : ""}`;
  const reasons = e.reasons.length ? e.reasons.map((r) => `• ${esc(r)}`).join("\n") : "• no concerns now";
  return `${head}\n${reasons}\nNext follow-up: ${e.nextFollowUp ?? "none set"}`;
}

/** A creator's row: what is wrong, and the three buttons that act on it. */
export function rowBlocks(e: DigestEntry, isNew: boolean): KnownBlock[] {
  return [
    section(rowText(e, isNew), rowId(e.id)),
    {
      type: "actions",
      block_id: actionsId(e.id),
      elements: [
        button(ACTIONS.creatorOpen, LABELS.open, e.id),
        button(ACTIONS.digestSnooze, LABELS.snooze, e.id),
        button(ACTIONS.digestContacted, LABELS.markContacted, e.id),
      ],
    },
  ];
}

/** A creator planned for the digest but deleted since: kept, so the parts split as planned. */
function goneRowBlocks(creatorId: string): KnownBlock[] {
  return [
    section("_A creator in this digest has been deleted since it was prepared._", rowId(creatorId)),
    { type: "context", block_id: actionsId(creatorId), elements: [{ type: "mrkdwn", text: "nothing to do" }] },
  ];
}

/** The row after a button acted: what was done and by whom, the health now, and only `Open`. */
export function actedRowBlocks(e: Pick<DigestEntry, "id" | "brandName" | "creatorName" | "score" | "reasons">, note: string): KnownBlock[] {
  const reasons = e.reasons.length ? e.reasons.map((r) => `• ${esc(r)}`).join("\n") : "• no concerns now";
  return [
    section(`${EMOJI[e.score]} *${esc(e.brandName)}* — ${esc(e.creatorName)}\n${note}\n${reasons}`, rowId(e.id)),
    { type: "actions", block_id: actionsId(e.id), elements: [button(ACTIONS.creatorOpen, LABELS.open, e.id)] },
  ];
}

/** The message's blocks with one creator's row swapped; null when the row is not in it. */
export function replaceRow(blocks: readonly unknown[], creatorId: string, replacement: KnownBlock[]): KnownBlock[] | null {
  const list = blocks as KnownBlock[];
  const at = list.findIndex((b) => b.block_id === rowId(creatorId));
  if (at < 0) return null;
  const end = list[at + 1]?.block_id === actionsId(creatorId) ? at + 2 : at + 1;
  return [...list.slice(0, at), ...replacement, ...list.slice(end)];
}

function headerBlocks(s: DigestSnapshot, mode: DigestMode): KnownBlock[] {
  const r = s.red.length;
  const y = s.yellow.length;
  const lines: string[] = [];
  if (r + y === 0) lines.push("✅ *All clear:* no active creator is RED or YELLOW.");
  else lines.push(`*${r + y} ${r + y === 1 ? "creator needs" : "creators need"} attention:* ${EMOJI.RED} *${r}* RED · ${EMOJI.YELLOW} *${y}* YELLOW`);
  if (s.green !== undefined) lines.push(`${EMOJI.GREEN} *${s.green}* GREEN`);
  if (s.since) {
    lines.push(
      `Since ${formatDay(s.since.runKey)}: 🆕 *${s.since.newRed.length}* new RED · ✅ *${s.since.recovered.length}* recovered${nameList(s.since.recovered.map((x) => x.name))}`,
    );
  } else {
    lines.push("_No health snapshot from an earlier day yet: nothing to compare with._");
  }
  if (s.snoozed?.length) lines.push(`💤 *${s.snoozed.length}* snoozed (left out until their snooze ends)`);
  if (mode.kind === "on_demand") lines.push(`_(posted on demand by <@${mode.bySlackUserId}>)_`);
  if (mode.kind === "preview") lines.push("_Preview: only you can see this._");
  if (mode.kind === "personal") {
    lines.push(`_Your digest${mode.scope === "followed" ? " of the creators you follow" : ""}; \`/wl digest settings\` changes when and what._`);
  }
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: plain(`Creator health digest · ${formatDay(s.today)}`, LIMITS.headerText) } },
    section(lines.join("\n")),
  ];
  if (s.undelivered.length) {
    const where = s.undelivered.slice(0, NAMES_SHOWN).map((u) => `${mention(u.destination)} (${esc(plain(u.error, 80))})`);
    const more = s.undelivered.length - where.length;
    blocks.push(
      section(
        `⚠️ The digest of ${formatDay(s.undelivered[0]!.runKey)} could not be delivered to ${where.join(", ")}${more > 0 ? ` and ${more} more` : ""}. Check the channel and that the bot is in it.`,
      ),
    );
  }
  blocks.push({ type: "divider" });
  return blocks;
}

function mention(destination: string): string {
  return /^[CG]/.test(destination) ? `<#${destination}>` : `<@${destination}>`;
}

function heading(group: "RED" | "YELLOW", count: number | null): KnownBlock {
  const top = count !== null && count > DIGEST_TOP ? ` (the ${DIGEST_TOP} most urgent)` : "";
  return section(`${EMOJI[group]} *${group}*${count === null ? " (continued)" : ` · ${count}${top}`}`);
}

/** Under a digest that shows only the most urgent: the button that pages through everyone. */
function seeAllBlock(total: number): KnownBlock {
  return {
    type: "actions",
    block_id: "dg_see_all",
    elements: [button(ACTIONS.digestSeeAll, `${LABELS.seeAll} ${total}`, "0")],
  };
}

/**
 * One page of "See all": every flagged creator in digest order (RED first), DIGEST_PAGE_SIZE
 * a page with their buttons, and Previous / Next (whose page numbers the server clamps).
 */
export function digestPageBlocks(
  s: Pick<DigestSnapshot, "today" | "red" | "yellow">,
  entries: ReadonlyMap<string, DigestEntry>,
  page: number,
  pages: number,
): DigestMessage {
  const ids = [...s.red, ...s.yellow];
  const shown = ids.slice(page * DIGEST_PAGE_SIZE, (page + 1) * DIGEST_PAGE_SIZE);
  const blocks: KnownBlock[] = [
    section(
      `*Everyone needing attention on ${formatDay(s.today)}* · page ${page + 1} of ${pages} · ${EMOJI.RED} ${s.red.length} RED · ${EMOJI.YELLOW} ${s.yellow.length} YELLOW`,
    ),
  ];
  for (const id of shown) {
    const e = entries.get(id);
    if (e) blocks.push(...rowBlocks(e, false));
  }
  if (shown.length === 0) blocks.push(section("_Nobody needs attention now._"));
  const nav = [
    ...(page > 0 ? [button(ACTIONS.digestPagePrev, LABELS.previous, String(page - 1))] : []),
    ...(page < pages - 1 ? [button(ACTIONS.digestPageNext, LABELS.next, String(page + 1))] : []),
  ];
  if (nav.length) blocks.push({ type: "actions", block_id: "dg_page_nav", elements: nav });
  return { text: `Creator health digest for ${s.today}: page ${page + 1} of ${pages}`, blocks };
}

/**
 * The whole digest as messages within Slack's limits: the first carries the header, the rest
 * continue it (posted as thread replies). `entries` holds the creators' current data; a planned
 * creator missing from it was deleted.
 */
export function renderDigest(s: DigestSnapshot, entries: ReadonlyMap<string, DigestEntry>, mode: DigestMode): DigestMessage[] {
  const newRed = new Set(s.since?.newRed ?? []);
  const units: Unit<KnownBlock>[] = [];
  for (const [group, ids] of [
    ["RED", s.red],
    ["YELLOW", s.yellow],
  ] as const) {
    if (ids.length === 0) continue;
    units.push({ group, heading: true, blocks: [heading(group, ids.length)] });
    // The message shows the most urgent; "See all" pages through the rest.
    for (const id of ids.slice(0, DIGEST_TOP)) {
      const e = entries.get(id);
      units.push({ group, blocks: e ? rowBlocks(e, newRed.has(id)) : goneRowBlocks(id) });
    }
  }
  const total = s.red.length + s.yellow.length;
  if (s.red.length > DIGEST_TOP || s.yellow.length > DIGEST_TOP) units.push({ group: "more", blocks: [seeAllBlock(total)] });
  const threaded = mode.kind !== "preview";
  const parts = packMessages(headerBlocks(s, mode), units, {
    maxBlocks: LIMITS.messageBlocks,
    continuedHeading: (g) => heading(g as "RED" | "YELLOW", null),
    partLabel: (i, n): KnownBlock => ({
      type: "context",
      elements: [{ type: "mrkdwn", text: i === 0 && threaded ? `Continued in the thread: ${n} parts in all.` : `Part ${i + 1} of ${n}` }],
    }),
  });
  const title = `Creator health digest for ${s.today}`;
  const by = mode.kind === "on_demand" ? ` (posted on demand by <@${mode.bySlackUserId}>)` : "";
  return parts.map((blocks, i) => ({
    text: i === 0 ? `${title}: ${s.red.length} RED, ${s.yellow.length} YELLOW${by}` : `${title} (part ${i + 1} of ${parts.length})`,
    blocks,
  }));
}
