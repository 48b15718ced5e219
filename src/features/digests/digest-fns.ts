import { addDays, dateInTz, type IsoDate } from "../../lib/dates.js";
import { SCORE_RANK } from "../health/health-fns.js";
import type { DigestEntry } from "./digest-types.js";

// Pure rules of the digest: who comes first, what changed since the last one, and how a long
// digest is packed into messages that Slack accepts whole.

/** RED before YELLOW; then priority (1 is highest); then the longest-unchanged status first. */
export function orderEntries<T extends Pick<DigestEntry, "id" | "score" | "priority" | "lastStatusChange" | "brandName">>(entries: readonly T[]): T[] {
  return [...entries].sort(
    (a, b) =>
      SCORE_RANK[a.score] - SCORE_RANK[b.score] ||
      a.priority - b.priority ||
      a.lastStatusChange.getTime() - b.lastStatusChange.getTime() ||
      a.brandName.localeCompare(b.brandName) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** A run of blocks that must stay in one message: a creator's row, or a group heading. */
export type Unit<B> = { group: string; heading?: boolean; blocks: B[] };

export type PackOptions<B> = {
  maxBlocks: number;
  /** Repeats the group's heading at the top of a message that starts mid-group. */
  continuedHeading: (group: string) => B;
  /** The "part i of n" marker; each message of a split digest carries one. */
  partLabel: (index: number, total: number) => B;
};

/**
 * Packs the header and units into as few messages as fit `maxBlocks` each, never splitting a
 * unit and never leaving a heading as the last block of a message. Every unit appears exactly
 * once, in order.
 */
export function packMessages<B>(head: readonly B[], units: readonly Unit<B>[], opts: PackOptions<B>): B[][] {
  // One block of every message is kept for the part label, one for a continued heading.
  const room = opts.maxBlocks - 1;
  const largest = Math.max(0, ...units.map((u) => u.blocks.length));
  if (head.length + 1 > room || largest + 2 > room) throw new Error(`a digest unit does not fit in ${opts.maxBlocks} blocks`);

  const messages: B[][] = [];
  let current: B[] = [...head];
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const next = units[i + 1];
    // A heading travels with the first row under it.
    const need = u.blocks.length + (u.heading && next && next.group === u.group && !next.heading ? next.blocks.length : 0);
    if (current.length + need > room) {
      messages.push(current);
      current = [];
      if (!u.heading) current.push(opts.continuedHeading(u.group));
    }
    current.push(...u.blocks);
  }
  messages.push(current);
  if (messages.length === 1) return messages;
  const n = messages.length;
  return messages.map((m, i) => (i === 0 ? [...m, opts.partLabel(0, n)] : [opts.partLabel(i, n), ...m]));
}

/** `Snooze 3 days` keeps a creator out of digests for this many days. */
export const SNOOZE_DAYS = 3;

/**
 * Until when a snooze pressed at `now` keeps a creator out of digests: the studio's today
 * (`tz`) plus `days`, or the creator's current snooze if that ends later. Never earlier than a
 * snooze already in place (a second click, or a click on an old message, only ever extends it),
 * and never touches the creator's own dates.
 */
export function snoozeUntil(current: IsoDate | null, now: Date, tz: string, days: number = SNOOZE_DAYS): IsoDate {
  const proposed = addDays(dateInTz(now, tz), days);
  return current !== null && current > proposed ? current : proposed;
}

/** A snooze holds a creator out of every digest before `until`; the digest of `until` shows it again. */
export function isSnoozed(until: IsoDate | null, today: IsoDate): boolean {
  return until !== null && until > today;
}

/** The digest message shows the most urgent this many per colour, with their buttons. */
export const DIGEST_TOP = 10;
/** Creators per page of "See all". */
export const DIGEST_PAGE_SIZE = 10;

/**
 * The page a "See all" / Previous / Next button asks for, from its (forgeable) value: a whole
 * number clamped to the pages there are now (the list may have shrunk since the button was sent).
 */
export function clampPage(value: unknown, total: number, size: number = DIGEST_PAGE_SIZE): { page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(total / size));
  const n = typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : 0;
  return { page: Math.min(n, pages - 1), pages };
}
