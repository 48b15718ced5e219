import { randomUUID } from "node:crypto";
import { inPoolTransaction, type Db, type Pool } from "../../db.js";
import { invalid } from "../../errors.js";
import type { Actor } from "../../identity/actor.js";
import { audited } from "../../audit/audit-service.js";
import { auditText, diffChanges } from "../../audit/audit-fns.js";
import { fromDbDate, toDbDate, type IsoDate } from "../../lib/dates.js";
import { orFallbackAfter } from "../../lib/deadline.js";
import { PICKER } from "../../slack/ids.js";
import type { HealthService } from "../health/health-service.js";
import { cleanSearchText, displayOf, FIND_TEXT_MAX } from "../creators/creator-fns.js";
import { DRAFT_TTL_HOURS, OPTIONS_DEADLINE_MS, PICK_LIMIT } from "./picker-fns.js";
import type { LoggedContact, MessageRef, PickRow } from "./picker-types.js";

/**
 * The `/wl find` search itself (wl_creator_search: the trigram index whatever the planner
 * estimates, the same order), as one named prepared statement on the pg.Pool: it answers every
 * keystroke of every picker. The function escapes LIKE's wildcards in the typed text.
 */
const PICK_SQL = `
  SELECT id, brand_name AS "brandName", creator_name AS "creatorName", is_active AS "isActive"
    FROM wl_creator_search($1, $2)`;

type Deps = { db: Db; pool: Pool; health: Pick<HealthService, "recompute">; now: () => Date; deadlineMs?: number };

export function createPickerService(deps: Deps) {
  const { db, pool, health } = deps;
  const deadlineMs = deps.deadlineMs ?? OPTIONS_DEADLINE_MS;

  /** Bounded on the server too (SET LOCAL statement_timeout), so a late search frees its connection. */
  async function query(text: string): Promise<PickRow[]> {
    return inPoolTransaction(
      pool,
      async (client) => (await client.query<PickRow>({ name: "wl_creator_pick", text: PICK_SQL, values: [text, PICK_LIMIT] })).rows,
      `BEGIN READ ONLY; SET LOCAL statement_timeout = ${deadlineMs}`,
    );
  }

  return {
    /**
     * Creators whose brand, name, email or handle contains the typed text, for a picker's
     * options. Slack cannot wait: past the deadline the answer is an empty list.
     */
    async search(typed: string): Promise<PickRow[]> {
      const text = Array.from(cleanSearchText(typed)).slice(0, FIND_TEXT_MAX).join("");
      return orFallbackAfter(query(text), deadlineMs, []);
    },

    /**
     * Remembers which message a just-opened Log to creator modal is about, keyed by the view
     * Slack opened and its owner (private_metadata comes back from the client and can be forged).
     * Abandoned drafts older than a day go at the same time.
     */
    async saveDraft(viewId: string, slackUserId: string, m: MessageRef, permalink: string): Promise<void> {
      await db.$transaction([
        db.$executeRaw`DELETE FROM wl_contact_draft WHERE created_at < now() - make_interval(hours => ${DRAFT_TTL_HOURS})`,
        db.contactDraft.create({
          data: { viewId, slackUserId, channelId: m.channelId, messageTs: m.messageTs, permalink, messageText: m.text, createdAt: deps.now() },
        }),
      ]);
    },

    /**
     * The message becomes a contact note on the creator, `last_contacted_date` becomes today
     * and health is recomputed, with its audit row, in one transaction. The draft is consumed by
     * one DELETE ... RETURNING, so a form submitted twice logs once; the creator is re-read here
     * because the picked value can be forged.
     */
    logContact(actor: Actor, a: { viewId: string; creatorId: string; note: string | null }, today: IsoDate): Promise<LoggedContact> {
      return audited(db, actor, async (tx) => {
        const [draft] = await tx.$queryRaw<{ channelId: string; messageTs: string; permalink: string; messageText: string }[]>`
          DELETE FROM wl_contact_draft WHERE view_id = ${a.viewId} AND slack_user_id = ${actor.slackUserId ?? ""}
          RETURNING channel_id AS "channelId", message_ts AS "messageTs", permalink, message_text AS "messageText"`;
        if (!draft) throw invalid("This form is out of date or was already saved. Use *Log to creator* on the message again.");
        const c = await tx.creator.findUnique({
          where: { id: a.creatorId },
          select: { id: true, brandName: true, creatorName: true, lastContactedDate: true },
        });
        if (!c) throw invalid("That creator no longer exists.", { [PICKER.creatorBlock]: "That creator no longer exists. Pick another one." });
        const from = fromDbDate(c.lastContactedDate);
        await tx.contactNote.create({
          data: {
            id: randomUUID(),
            creatorId: c.id,
            slackUserId: actor.slackUserId ?? "",
            userId: actor.userId,
            channelId: draft.channelId,
            messageTs: draft.messageTs,
            permalink: draft.permalink,
            messageText: draft.messageText,
            note: a.note,
            createdAt: deps.now(),
          },
        });
        await tx.creator.update({
          where: { id: c.id },
          data: { lastContactedDate: toDbDate(today), ...(actor.userId !== null ? { lastUpdatedById: actor.userId } : {}) },
        });
        const h = await health.recompute(tx, c.id, actor, today);
        return {
          result: { creator: c, permalink: draft.permalink, lastContacted: { from, to: today }, score: h.score },
          audit: {
            action: "UPDATE",
            targetModel: "Creator",
            targetId: c.id,
            targetDisplay: displayOf(c),
            changes: { ...diffChanges({ last_contacted_date: from }, { last_contacted_date: today }), contact_note: { from: null, to: draft.permalink } },
            notes: auditText(`Log to creator: Slack message ${draft.permalink}${a.note ? `; note: ${a.note}` : ""}`, 1000),
          },
        };
      });
    },
  };
}

export type PickerService = ReturnType<typeof createPickerService>;
