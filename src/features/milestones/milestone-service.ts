import type { Db, Tx } from "../../db.js";
import type { Actor } from "../../identity/actor.js";
import { audited, writeAudit, type AuditEntry } from "../../audit/audit-service.js";
import { diffChanges, snapshot } from "../../audit/audit-fns.js";
import { AppError, ErrorCode, notFound } from "../../errors.js";
import { fromDbDate, toDbDate, type IsoDate } from "../../lib/dates.js";
import type { Health } from "../health/health-fns.js";
import { HEALTH_SELECT, type CreatorHealthRow, type HealthService } from "../health/health-service.js";
import { compareMilestones, type MilestoneView } from "./milestone-fns.js";
import type { MilestoneInput } from "./milestone-schemas.js";

type Deps = { db: Db; health: Pick<HealthService, "recompute" | "healthFor">; today: () => IsoDate };

export type MilestoneList = { creator: CreatorHealthRow; milestones: MilestoneView[]; health: Health };
/** What a change did to the creator's health, for the confirmation line. */
export type HealthAfter = Health & { changed: boolean; from: string };
export type MilestoneChange = { creatorId: string; title: string; health: HealthAfter };

const milestoneSelect = {
  id: true,
  creatorId: true,
  createdAt: true,
  title: true,
  description: true,
  targetDate: true,
  completedDate: true,
  isCompleted: true,
  relatedJourneyStage: true,
} as const;

type MilestoneRow = {
  id: string;
  creatorId: string;
  createdAt: Date;
  title: string;
  description: string | null;
  targetDate: Date | null;
  completedDate: Date | null;
  isCompleted: boolean;
  relatedJourneyStage: string;
};

const viewOf = (m: MilestoneRow): MilestoneView => ({
  id: m.id,
  title: m.title,
  description: m.description,
  targetDate: fromDbDate(m.targetDate),
  completedDate: fromDbDate(m.completedDate),
  isCompleted: m.isCompleted,
  relatedJourneyStage: m.relatedJourneyStage,
  createdAt: m.createdAt,
});

/** The row as the seed names its columns: audit rows speak the schema's language. */
const columnsOf = (m: MilestoneRow): Record<string, unknown> => ({
  creator_id: m.creatorId,
  title: m.title,
  description: m.description,
  target_date: fromDbDate(m.targetDate),
  completed_date: fromDbDate(m.completedDate),
  is_completed: m.isCompleted,
  related_journey_stage: m.relatedJourneyStage,
});

const display = (title: string, c: { brandName: string }) => `${title} (${c.brandName})`;

const conflict = (userMessage: string) => new AppError(ErrorCode.Conflict, { userMessage });
const gone = () => notFound("That milestone no longer exists. Run `/wl milestones <creator>` again.");

export function createMilestoneService(deps: Deps) {
  const { db, health } = deps;

  /**
   * Every change locks its creator first, then writes, then audits, then recomputes health. The
   * same order everywhere (row lock before the audit chain's lock) is what keeps two people
   * working on one creator from deadlocking; it also serialises concurrent clicks, so a
   * conditional write's row count is decided against the winner's committed state.
   */
  async function lockCreator(tx: Tx, creatorId: string): Promise<{ id: string; brandName: string; creatorName: string; healthScore: string }> {
    const [c] = await tx.$queryRaw<{ id: string; brandName: string; creatorName: string; healthScore: string }[]>`
      SELECT id::text AS id, brand_name AS "brandName", creator_name AS "creatorName", health_score AS "healthScore"
        FROM studio_crm_creator WHERE id = ${creatorId}::uuid FOR NO KEY UPDATE`;
    if (!c) throw notFound("That creator no longer exists.");
    return c;
  }

  async function findMilestone(tx: Tx | Db, id: string): Promise<MilestoneRow> {
    const m = await tx.milestone.findUnique({ where: { id }, select: milestoneSelect });
    if (!m) throw gone();
    return m;
  }

  /** The change, its audit row and the health recompute, in one transaction (rows written in that order). */
  function change<T>(actor: Actor, work: (tx: Tx, today: IsoDate) => Promise<T>): Promise<T> {
    const today = deps.today();
    return audited(db, actor, async (tx) => ({ result: await work(tx, today), audit: [] }));
  }

  async function recompute(tx: Tx, c: { id: string; healthScore: string }, actor: Actor, today: IsoDate): Promise<HealthAfter> {
    const h = await health.recompute(tx, c.id, actor, today);
    return { ...h, from: c.healthScore };
  }

  return {
    /** The creator, its milestones in the seed's order, and its health with reasons. */
    async list(creatorId: string): Promise<MilestoneList> {
      const creator = await db.creator.findUnique({ where: { id: creatorId }, select: HEALTH_SELECT });
      if (!creator) throw notFound("That creator no longer exists.");
      const [rows, healthMap] = await Promise.all([
        db.milestone.findMany({
          where: { creatorId },
          select: milestoneSelect,
          orderBy: [{ targetDate: { sort: "asc", nulls: "last" } }, { isCompleted: "desc" }, { createdAt: "asc" }, { id: "asc" }],
        }),
        health.healthFor([creator], deps.today()),
      ]);
      // Sorted again by the pure rule, so the order is the tested one whatever the collation.
      const milestones = rows.map(viewOf).sort(compareMilestones);
      return { creator, milestones, health: healthMap.get(creator.id)! };
    },

    async creatorForForm(creatorId: string): Promise<{ id: string; brandName: string; creatorName: string; journeyStatus: string }> {
      const c = await db.creator.findUnique({ where: { id: creatorId }, select: { id: true, brandName: true, creatorName: true, journeyStatus: true } });
      if (!c) throw notFound("That creator no longer exists.");
      return c;
    },

    async milestoneForForm(milestoneId: string): Promise<{ milestone: MilestoneView; creatorId: string; creator: { brandName: string; creatorName: string } }> {
      const m = await db.milestone.findUnique({
        where: { id: milestoneId },
        select: { ...milestoneSelect, creator: { select: { brandName: true, creatorName: true } } },
      });
      if (!m) throw gone();
      if (m.isCompleted) throw conflict(`“${m.title}” is done; only open milestones can be edited.`);
      return { milestone: viewOf(m), creatorId: m.creatorId, creator: m.creator };
    },

    async add(creatorId: string, input: MilestoneInput, actor: Actor): Promise<MilestoneChange & { milestoneId: string }> {
      return change(actor, async (tx, today) => {
        const c = await lockCreator(tx, creatorId);
        const m = await tx.milestone.create({
          data: {
            creatorId,
            title: input.title,
            description: input.description,
            targetDate: input.targetDate ? toDbDate(input.targetDate) : null,
            relatedJourneyStage: input.relatedJourneyStage,
          },
          select: milestoneSelect,
        });
        await writeAudit(tx, actor, {
          action: "CREATE",
          targetModel: "Milestone",
          targetId: m.id,
          targetDisplay: display(m.title, c),
          changes: snapshot(columnsOf(m)),
        });
        return { milestoneId: m.id, creatorId, title: m.title, health: await recompute(tx, c, actor, today) };
      });
    },

    async edit(milestoneId: string, input: MilestoneInput, actor: Actor): Promise<MilestoneChange & { changedFields: string[] }> {
      return change(actor, async (tx, today) => {
        const before = await findMilestone(tx, milestoneId);
        const c = await lockCreator(tx, before.creatorId);
        const { count } = await tx.milestone.updateMany({
          where: { id: milestoneId, isCompleted: false },
          data: {
            title: input.title,
            description: input.description,
            targetDate: input.targetDate ? toDbDate(input.targetDate) : null,
            relatedJourneyStage: input.relatedJourneyStage,
          },
        });
        if (count === 0)
          throw (await tx.milestone.count({ where: { id: milestoneId } }))
            ? conflict(`“${before.title}” is done; only open milestones can be edited.`)
            : gone();
        const after = await findMilestone(tx, milestoneId);
        const changes = diffChanges(columnsOf(before), columnsOf(after));
        const entry: AuditEntry = Object.keys(changes).length
          ? { action: "UPDATE", targetModel: "Milestone", targetId: milestoneId, targetDisplay: display(after.title, c), changes }
          : { action: "VIEW", targetModel: "Milestone", targetId: milestoneId, targetDisplay: display(after.title, c), notes: "edit saved with no changes" };
        await writeAudit(tx, actor, entry);
        return { creatorId: c.id, title: after.title, changedFields: Object.keys(changes), health: await recompute(tx, c, actor, today) };
      });
    },

    /** `Mark done`: one conditional UPDATE; its row count tells a second click it lost. */
    async markDone(milestoneId: string, actor: Actor): Promise<MilestoneChange & { completedDate: IsoDate }> {
      return change(actor, async (tx, today) => {
        const m = await findMilestone(tx, milestoneId);
        const c = await lockCreator(tx, m.creatorId);
        const done = await tx.$executeRaw`
          UPDATE studio_crm_milestone SET is_completed = true, completed_date = ${today}::date
           WHERE id = ${milestoneId}::uuid AND is_completed = false`;
        if (done === 0) {
          const now = await tx.milestone.findUnique({ where: { id: milestoneId }, select: { completedDate: true } });
          if (!now) throw gone();
          const on = fromDbDate(now.completedDate);
          throw conflict(`“${m.title}” is already done${on ? ` (since ${on})` : ""}.`);
        }
        await writeAudit(tx, actor, {
          action: "UPDATE",
          targetModel: "Milestone",
          targetId: milestoneId,
          targetDisplay: display(m.title, c),
          changes: { is_completed: { from: false, to: true }, completed_date: { from: fromDbDate(m.completedDate), to: today } },
          notes: "marked done",
        });
        return { creatorId: c.id, title: m.title, completedDate: today, health: await recompute(tx, c, actor, today) };
      });
    },

    /** Deletes an open milestone (done ones are history): one conditional DELETE. */
    async remove(milestoneId: string, actor: Actor): Promise<MilestoneChange> {
      return change(actor, async (tx, today) => {
        const m = await findMilestone(tx, milestoneId);
        const c = await lockCreator(tx, m.creatorId);
        const deleted = await tx.$executeRaw`DELETE FROM studio_crm_milestone WHERE id = ${milestoneId}::uuid AND is_completed = false`;
        if (deleted === 0) {
          if (!(await tx.milestone.count({ where: { id: milestoneId } }))) throw gone();
          throw conflict(`“${m.title}” is done; done milestones are kept as history.`);
        }
        await writeAudit(tx, actor, {
          action: "DELETE",
          targetModel: "Milestone",
          targetId: milestoneId,
          targetDisplay: display(m.title, c),
          changes: snapshot(columnsOf(m)),
        });
        return { creatorId: c.id, title: m.title, health: await recompute(tx, c, actor, today) };
      });
    },
  };
}

export type MilestoneService = ReturnType<typeof createMilestoneService>;
