import { randomBytes } from "node:crypto";
import type { DbOrTx } from "../../src/db.js";
import { addDays, toDbDate, type IsoDate } from "../../src/lib/dates.js";

// Creator and milestone rows written straight into the test database (the creators feature's
// forms are not what these tests are about).

export type CreatorSeed = {
  brandName?: string;
  creatorName?: string;
  journeyStatus?: string;
  isActive?: boolean;
  healthScore?: string;
  lastContactedDate?: IsoDate | null;
  nextFollowUpDate?: IsoDate | null;
  createdAt?: Date;
  lastStatusChange?: Date;
  priorityLevel?: number;
};

export async function insertCreator(db: DbOrTx, today: IsoDate, s: CreatorSeed = {}): Promise<{ id: string; brandName: string; creatorName: string }> {
  const tag = randomBytes(4).toString("hex");
  const noon = new Date(`${today}T12:00:00Z`);
  return db.creator.create({
    data: {
      creatorName: s.creatorName ?? `Creator ${tag}`,
      creatorEmail: `c-${tag}@example.test`,
      brandName: s.brandName ?? `Brand ${tag}`,
      brandNiche: "test",
      journeyStatus: s.journeyStatus ?? "LIVE",
      isActive: s.isActive ?? true,
      healthScore: s.healthScore ?? "GREEN",
      lastContactedDate: s.lastContactedDate === undefined ? toDbDate(today) : s.lastContactedDate === null ? null : toDbDate(s.lastContactedDate),
      nextFollowUpDate: s.nextFollowUpDate ? toDbDate(s.nextFollowUpDate) : null,
      createdAt: s.createdAt ?? noon,
      lastStatusChange: s.lastStatusChange ?? noon,
      priorityLevel: s.priorityLevel ?? 3,
    },
    select: { id: true, brandName: true, creatorName: true },
  });
}

export type MilestoneSeed = {
  title?: string;
  targetDate?: IsoDate | null;
  isCompleted?: boolean;
  completedDate?: IsoDate | null;
  stage?: string;
  createdAt?: Date;
  description?: string | null;
};

export async function insertMilestone(db: DbOrTx, creatorId: string, m: MilestoneSeed = {}): Promise<{ id: string }> {
  return db.milestone.create({
    data: {
      creatorId,
      title: m.title ?? `Milestone ${randomBytes(3).toString("hex")}`,
      description: m.description ?? null,
      targetDate: m.targetDate ? toDbDate(m.targetDate) : null,
      isCompleted: m.isCompleted ?? false,
      completedDate: m.completedDate ? toDbDate(m.completedDate) : null,
      relatedJourneyStage: m.stage ?? "ONBOARDING",
      ...(m.createdAt ? { createdAt: m.createdAt } : {}),
    },
    select: { id: true },
  });
}

export const daysAgo = (today: IsoDate, n: number) => addDays(today, -n);
