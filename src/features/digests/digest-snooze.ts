import type { Db, DbOrTx, Tx } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import { audited } from "../../audit/audit-service.js";
import { invalid, notFound } from "../../errors.js";
import { dateInTz, fromDbDate, toDbDate, type IsoDate } from "../../lib/dates.js";
import { esc } from "../../slack/mrkdwn.js";
import type { HealthService } from "../health/health-service.js";
import { isTracked } from "../health/health-fns.js";
import { displayOf } from "../creators/creator-fns.js";
import { journeyLabel } from "../creators/creator-labels.js";
import { isSnoozed, snoozeUntil } from "./digest-fns.js";
import type { DigestEntry } from "./digest-types.js";

// `Snooze 3 days`: the snooze itself is the bot's row (wl_creator_snooze: until when, who), so
// the digests can leave the creator out and say who snoozed it; the creator's next follow-up
// only ever moves later (the contract: "at least today + 3, never earlier").

export type SnoozeResult = {
  creator: Pick<DigestEntry, "id" | "brandName" | "creatorName" | "score" | "reasons">;
  /** Out of digests before this day. */
  until: IsoDate;
  /** Who snoozed (a Slack user id, or a name): this click's actor, or whoever's snooze already ran as long. */
  by: string;
  /** False when an existing snooze already ran as long or longer (the snooze is unchanged). */
  extended: boolean;
  followUp: { from: IsoDate | null; to: IsoDate | null };
};

type Deps = {
  db: Db;
  health: Pick<HealthService, "recompute" | "tz">;
};

/** Creators snoozed as of `today`: left out of the day's digest. */
export async function snoozedOn(db: DbOrTx, today: IsoDate): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT creator_id::text AS id FROM wl_creator_snooze WHERE until > ${today}::date`;
  return new Set(rows.map((r) => r.id));
}

/** The snooze row, only ever later; returns whether it moved. */
async function extendSnooze(tx: Tx, creatorId: string, until: IsoDate, by: string): Promise<boolean> {
  const n = await tx.$executeRaw`
    INSERT INTO wl_creator_snooze (creator_id, until, snoozed_by, created_at)
    VALUES (${creatorId}::uuid, ${until}::date, ${by}, now())
    ON CONFLICT (creator_id) DO UPDATE SET until = EXCLUDED.until, snoozed_by = EXCLUDED.snoozed_by, created_at = EXCLUDED.created_at
     WHERE wl_creator_snooze.until < EXCLUDED.until`;
  return n === 1;
}

/**
 * The id comes from a button and may be forged: the creator is looked up and locked in the
 * transaction that writes the snooze (which also makes two clicks at once take turns: the
 * second sees the first's snooze and changes nothing). Audited with {from, to} of the snooze
 * and of the follow-up; the health recompute (its own audit row) in the same transaction.
 */
export function snoozeCreator(deps: Deps, actor: Actor, creatorId: string, now: Date): Promise<SnoozeResult> {
  const { db, health } = deps;
  const today = dateInTz(now, health.tz);
  const by = actor.slackUserId ?? actor.displayName;
  return audited(db, actor, async (tx) => {
    const [c] = await tx.$queryRaw<{ id: string; brandName: string; creatorName: string; journeyStatus: string; isActive: boolean; followUp: Date | null }[]>`
      SELECT id::text AS id, brand_name AS "brandName", creator_name AS "creatorName", journey_status AS "journeyStatus",
             is_active AS "isActive", next_follow_up_date AS "followUp"
        FROM studio_crm_creator WHERE id = ${creatorId}::uuid FOR NO KEY UPDATE`;
    if (!c) throw notFound("That creator no longer exists.");
    if (!isTracked(c)) {
      throw invalid(
        `*${esc(c.brandName)}* is ${c.isActive ? journeyLabel(c.journeyStatus).toLowerCase() : "archived"}, so it is not in digests: nothing to snooze.`,
      );
    }
    const [prior] = await tx.$queryRaw<{ until: string; by: string }[]>`
      SELECT to_char(until, 'YYYY-MM-DD') AS until, snoozed_by AS by FROM wl_creator_snooze WHERE creator_id = ${c.id}::uuid`;
    const current = prior && isSnoozed(prior.until, today) ? prior : null;
    const until = snoozeUntil(current?.until ?? null, now, health.tz);
    const extended = current?.until !== until && (await extendSnooze(tx, c.id, until, by));
    // Expired snoozes (of any creator) are of no use to anyone.
    await tx.$executeRaw`DELETE FROM wl_creator_snooze WHERE until <= ${today}::date`;

    const fromFollowUp = fromDbDate(c.followUp);
    const toFollowUp = snoozeUntil(fromFollowUp, now, health.tz);
    if (toFollowUp !== fromFollowUp) {
      await tx.creator.update({
        where: { id: c.id },
        data: { nextFollowUpDate: toDbDate(toFollowUp), ...(actor.userId !== null ? { lastUpdatedById: actor.userId } : {}) },
      });
    }
    const h = await health.recompute(tx, c.id, actor, today);
    const changes: Record<string, { from: IsoDate | null; to: IsoDate }> = {};
    if (extended) changes.snoozed_until = { from: current?.until ?? null, to: until };
    if (toFollowUp !== fromFollowUp) changes.next_follow_up_date = { from: fromFollowUp, to: toFollowUp };
    return {
      result: {
        creator: { id: c.id, brandName: c.brandName, creatorName: c.creatorName, score: h.score, reasons: h.reasons },
        until,
        by: extended ? by : (current?.by ?? by),
        extended,
        followUp: { from: fromFollowUp, to: toFollowUp },
      },
      audit: {
        action: "UPDATE",
        targetModel: "Creator",
        targetId: c.id,
        targetDisplay: displayOf(c),
        changes,
        notes: extended ? `digest button: Snooze 3 days: out of digests until ${until}` : `digest button: Snooze 3 days (already snoozed until ${until})`,
      },
    };
  });
}
