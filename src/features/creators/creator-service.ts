import { randomUUID } from "node:crypto";
import { resolveCreatorRef } from "./creator-lookup.js";
import { insertNewCreator } from "./creator-insert.js";
import { createCreatorReads, summaryOf, type FoundRow, type ListRow } from "./creator-reads.js";
import { postgresCodeOf, type Db, type Pool, type Tx } from "../../db.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Actor } from "../../identity/actor.js";
import { audited } from "../../audit/audit-service.js";
import { diffChanges, snapshot } from "../../audit/audit-fns.js";
import { AppError, ErrorCode, notFound } from "../../errors.js";
import { toDbDate, type IsoDate } from "../../lib/dates.js";
import { toHealthInput, type HealthService } from "../health/health-service.js";
import { computeHealth, type Health } from "../health/health-fns.js";
import {
  columnValuesOf,
  CREDENTIAL_SECRET_COLUMNS,
  displayOf,
  FIELD_OF,
  FIND_LIMIT,
  LIST_PAGE_SIZE,
  toColumns,
  type FormColumn,
  type JourneyStatus,
  type ListFilters,
} from "./creator-fns.js";
import type { CreatorForm } from "./creator-schemas.js";

export type CreatorService = ReturnType<typeof createCreatorService>;

/** `db` for writes and transactions; `pool` (the one under `db`) for the hot reads. */
type Deps = { db: Db; pool: Pool; health: Pick<HealthService, "recompute" | "tz">; now: () => Date; today: () => IsoDate };

export type { FoundRow, ListRow };

export type CardData = {
  creator: Prisma.CreatorGetPayload<object>;
  health: Health;
  openMilestones: { id: string; title: string; targetDate: IsoDate | null }[];
  openMilestoneCount: number;
  /** Whether the viewer the card was read for follows this creator. */
  following: boolean;
};

export type ListPage = { rows: (ListRow & { health: Health })[]; total: number; page: number; pages: number };

const EMAIL_TAKEN = "A creator with this email already exists.";
export const emailTaken = () => new AppError(ErrorCode.Conflict, { userMessage: EMAIL_TAKEN, fieldErrors: { creator_email: EMAIL_TAKEN } });

/** Prisma's P2002, or a raw statement's 23505 (creator-insert.ts): both mean the email's unique index refused the row. */
const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && (e.code === "P2002" || postgresCodeOf(e) === "23505");

/** Form output -> Prisma data (DATE columns as UTC-midnight Dates). */
function toData(values: Partial<CreatorForm>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [col, v] of Object.entries(values) as [FormColumn, unknown][]) {
    data[FIELD_OF[col]] = (col === "last_contacted_date" || col === "next_follow_up_date") && typeof v === "string" ? toDbDate(v) : v;
  }
  return data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createCreatorService({ db, pool, health, now, today }: Deps) {
  const reads = createCreatorReads(pool);
  const healthOf = (row: Parameters<typeof toHealthInput>[0], overdue: Parameters<typeof summaryOf>[0], day: IsoDate) =>
    computeHealth(toHealthInput(row, summaryOf(overdue)), day, health.tz);

  /** Serialises writers on one creator so each audit row's `from` is what was really replaced. */
  async function lock(tx: Tx, id: string) {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM studio_crm_creator WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("That creator no longer exists.");
    return tx.creator.findUniqueOrThrow({ where: { id } });
  }

  async function emailInUse(tx: Tx, email: string, exceptId?: string): Promise<boolean> {
    // The unique index is case-sensitive; two spellings of one mailbox are still one creator.
    // (Not Prisma's insensitive `equals`: that is an unescaped ILIKE, where `_` matches any character.)
    const hits = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM studio_crm_creator
       WHERE lower(creator_email) = lower(${email}) AND id <> ${exceptId ?? "00000000-0000-0000-0000-000000000000"}::uuid
       LIMIT 1`;
    return hits.length > 0;
  }

  return {
    /**
     * `opts.id` names the row (chosen when the submission was stored); `opts.first` runs first in
     * the transaction (the held job's fence: the create commits only while its job is held).
     */
    async create(input: CreatorForm, actor: Actor, opts: { id?: string; first?: (tx: Tx) => Promise<void> } = {}) {
      try {
        return await audited(db, actor, async (tx) => {
          await opts.first?.(tx);
          // A new creator has no milestones, so its health follows from the form alone: scored
          // here and stored with the row (no second write, no "moved from GREEN" row for a
          // score it never had).
          const at = now();
          const h = computeHealth(
            {
              journeyStatus: input.journey_status,
              isActive: true,
              lastContactedDate: input.last_contacted_date ?? null,
              nextFollowUpDate: input.next_follow_up_date ?? null,
              createdAt: at,
              lastStatusChange: at,
              milestones: { overdueCount: 0, oldestOverdueTarget: null },
            },
            today(),
            health.tz,
          );
          const row = await insertNewCreator(tx, { id: opts.id ?? randomUUID(), at, actorUserId: actor.userId, score: h.score, form: input });
          if (!row) throw emailTaken();
          return {
            result: row,
            audit: { action: "CREATE", targetModel: "Creator", targetId: row.id, targetDisplay: displayOf(row), changes: snapshot(toColumns(row)) },
          };
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw emailTaken();
        throw e;
      }
    },

    /** Writes only what differs; a submission that changes nothing writes nothing at all. */
    async update(id: string, values: Partial<CreatorForm>, actor: Actor) {
      try {
        return await audited(db, actor, async (tx) => {
          const before = await lock(tx, id);
          const changes = diffChanges(columnValuesOf(before), values as Record<string, unknown>);
          const changed = Object.keys(changes) as FormColumn[];
          if (changed.length === 0) return { result: { changed: [] as FormColumn[], creator: before }, audit: [] };
          if (changed.includes("creator_email") && (await emailInUse(tx, values.creator_email!, id))) throw emailTaken();
          const data = toData(Object.fromEntries(changed.map((c) => [c, values[c]])) as Partial<CreatorForm>);
          const updated = await tx.creator.update({ where: { id }, data: { ...data, lastUpdatedById: actor.userId } });
          await health.recompute(tx, id, actor, today());
          return {
            result: { changed, creator: updated },
            audit: { action: "UPDATE", targetModel: "Creator", targetId: id, targetDisplay: displayOf(updated), changes },
          };
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw emailTaken();
        throw e;
      }
    },

    async changeStatus(id: string, to: JourneyStatus, note: string | null, actor: Actor) {
      return audited(db, actor, async (tx) => {
        const c = await lock(tx, id);
        const display = displayOf(c);
        if (c.journeyStatus === to) {
          return {
            result: { changed: false, from: c.journeyStatus, to, display },
            audit: { action: "VIEW", targetModel: "Creator", targetId: id, targetDisplay: display, notes: `status already ${to}; nothing changed` },
          };
        }
        await tx.creator.update({ where: { id }, data: { journeyStatus: to, lastStatusChange: now(), lastUpdatedById: actor.userId } });
        await health.recompute(tx, id, actor, today());
        return {
          result: { changed: true, from: c.journeyStatus, to, display },
          audit: {
            action: "UPDATE",
            targetModel: "Creator",
            targetId: id,
            targetDisplay: display,
            changes: { journey_status: { from: c.journeyStatus, to } },
            notes: note,
          },
        };
      });
    },

    /** One conditional write: of two racing archives, one archives and the other is told it was already done. */
    async archive(id: string, actor: Actor) {
      return audited(db, actor, async (tx) => {
        const c = await tx.creator.findUnique({ where: { id }, select: { brandName: true, creatorName: true } });
        if (!c) throw notFound("That creator no longer exists.");
        const display = displayOf(c);
        const { count } = await tx.creator.updateMany({ where: { id, isActive: true }, data: { isActive: false, lastUpdatedById: actor.userId } });
        if (count === 0) {
          return {
            result: { archived: false, display },
            audit: { action: "VIEW", targetModel: "Creator", targetId: id, targetDisplay: display, notes: "archive clicked; already archived" },
          };
        }
        await health.recompute(tx, id, actor, today());
        return {
          result: { archived: true, display },
          audit: { action: "UPDATE", targetModel: "Creator", targetId: id, targetDisplay: display, changes: { is_active: { from: true, to: false } } },
        };
      });
    },

    /**
     * Deletes the creator with its credentials (and their reveal requests), milestones and
     * deliverables. The DELETE row keeps every deleted value, with the four credential secrets
     * masked. The DELETE itself is the conditional write.
     *
     * The children are deleted here, not left to the database: on the Django app's tables the
     * foreign keys do not cascade (NO ACTION DEFERRABLE; Django cascades in Python). Children
     * first, then the creator, works on both schemas. The creator is locked first, so no child
     * can be added between the snapshot and the deletes (adding one takes a key-share lock on it).
     */
    async remove(id: string, actor: Actor) {
      return audited(db, actor, async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM studio_crm_creator WHERE id = ${id}::uuid FOR UPDATE`;
        if (locked.length === 0) throw notFound("That creator was already deleted.");
        const c = await tx.creator.findUnique({
          where: { id },
          include: { credentials: { include: { revealRequests: true } }, milestones: true, deliverables: true },
        });
        if (!c) throw notFound("That creator was already deleted.");
        await tx.revealRequest.deleteMany({ where: { credential: { creatorId: id } } });
        await tx.creatorCredential.deleteMany({ where: { creatorId: id } });
        await tx.milestone.deleteMany({ where: { creatorId: id } });
        await tx.aiDeliverable.deleteMany({ where: { creatorId: id } });
        const { count } = await tx.creator.deleteMany({ where: { id } });
        if (count === 0) throw notFound("That creator was already deleted.");
        const { credentials, milestones, deliverables, ...creator } = c;
        const display = displayOf(creator);
        return {
          result: { display, credentials: credentials.length, milestones: milestones.length, deliverables: deliverables.length },
          audit: {
            action: "DELETE",
            targetModel: "Creator",
            targetId: id,
            targetDisplay: display,
            changes: {
              creator: snapshot(toColumns(creator)),
              credentials: credentials.map(({ revealRequests, ...cr }) => ({
                ...snapshot(toColumns(cr), CREDENTIAL_SECRET_COLUMNS),
                reveal_requests: revealRequests.map((r) => snapshot(toColumns(r))),
              })),
              milestones: milestones.map((m) => snapshot(toColumns(m))),
              deliverables: deliverables.map((d) => snapshot(toColumns(d))),
            },
          },
        };
      });
    },

    /** `<creator>`: exact match first, then a unique partial match (see creator-lookup.ts). */
    resolve: (ref: string) => resolveCreatorRef(pool, ref),

    async get(id: string) {
      return db.creator.findUnique({ where: { id } });
    },

    /**
     * The card: the row, live health with reasons, the next few open milestones, and whether
     * `viewerId` (an auth_user id) follows the creator (one read).
     */
    async card(id: string, viewerId: number | null = null): Promise<CardData | null> {
      if (!UUID.test(id)) return null;
      const day = today();
      const row = await reads.card(id.toLowerCase(), day, viewerId);
      if (!row) return null;
      const { overdueCount, oldestOverdue, openMilestoneCount, openMilestones, following, ...creator } = row;
      return {
        creator,
        health: healthOf(creator, { overdueCount, oldestOverdue }, day),
        openMilestones: openMilestones.map((m) => ({ id: m.id, title: m.title, targetDate: m.targetDate })),
        openMilestoneCount,
        following,
      };
    },

    /**
     * The card of a creator this process has just created, from the row its insert returned: a
     * new creator has no milestones and no followers yet, so this is what `card` would read,
     * without the round trip (a test compares the two).
     */
    cardOfCreated(creator: CardData["creator"]): CardData {
      const health = healthOf(creator, { overdueCount: 0, oldestOverdue: null }, today());
      return { creator, health, openMilestones: [], openMilestoneCount: 0, following: false };
    },

    /** Case-insensitive substring search over brand, name, email and handles; archived last. */
    async find(text: string): Promise<{ rows: FoundRow[]; total: number }> {
      const rows = await reads.find(text, FIND_LIMIT);
      return { rows, total: rows[0]?.total ?? 0 };
    },

    /** One page of active creators, most urgent first, with health reasons: two reads at once. */
    async list(filters: ListFilters, page: number, size = LIST_PAGE_SIZE): Promise<ListPage> {
      const day = today();
      const first = await reads.list(filters, size, page * size, day);
      const total = first.total;
      let rows = first.rows;
      if (rows.length === 0 && page > 0) {
        // A stale Next button after creators were archived: show the last page there is.
        page = Math.max(0, Math.ceil(total / size) - 1);
        rows = await reads.listPage(filters, size, page * size, day);
      }
      return {
        rows: rows.map(({ overdueCount, oldestOverdue, ...r }) => ({ ...r, health: healthOf(r, { overdueCount, oldestOverdue }, day) })),
        total,
        page,
        pages: Math.max(1, Math.ceil(total / size)),
      };
    },
  };
}
