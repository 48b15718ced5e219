import type { Tx } from "../../db.js";
import { notFound } from "../../errors.js";
import type { IsoDate } from "../../lib/dates.js";
import type { HealthService } from "../health/health-service.js";
import { buildContextSnapshot, type ContextData } from "./deliverable-fns.js";
import { TEMPLATES, type DeliverableType } from "./deliverable-prompts.js";

// What Claude is told about a creator: read in the transaction that records the request, so the
// prompt stored with the record is exactly what was true when it was asked for.

// Only these creator columns are ever read for a snapshot: credentials and notes stay out by construction.
const snapshotSelect = {
  id: true,
  creatorName: true,
  creatorLocation: true,
  creatorTimezone: true,
  brandName: true,
  brandTagline: true,
  brandNiche: true,
  brandWebsite: true,
  brandDescription: true,
  journeyStatus: true,
  lastStatusChange: true,
  priorityLevel: true,
  isActive: true,
  healthScore: true,
  createdAt: true,
  instagramHandle: true,
  youtubeChannel: true,
  tiktokHandle: true,
  twitterHandle: true,
  linkedinProfile: true,
  otherSocialLinks: true,
  primaryCommunicationChannel: true,
  lastContactedDate: true,
  nextFollowUpDate: true,
  customFields: true,
  tags: true,
} as const;

/** The creator's snapshot for a deliverable of `type`, as of `day`; internal notes only when the template uses them. */
export async function snapshot(
  tx: Tx,
  deps: { health: Pick<HealthService, "healthFor">; tz: string },
  creatorId: string,
  type: DeliverableType,
  day: IsoDate,
): Promise<{ context: ContextData; brandName: string; creatorName: string }> {
  const c = await tx.creator.findUnique({ where: { id: creatorId }, select: snapshotSelect });
  if (!c) throw notFound("That creator no longer exists.");
  // One after another: a transaction is one connection.
  const milestones = await tx.milestone.findMany({
    where: { creatorId },
    select: { title: true, description: true, targetDate: true, completedDate: true, isCompleted: true, relatedJourneyStage: true },
    orderBy: [{ isCompleted: "asc" }, { targetDate: "asc" }],
    take: 500,
  });
  const health = await deps.health.healthFor([c], day, tx);
  const notes = TEMPLATES[type].usesInternalNotes ? await tx.creator.findUnique({ where: { id: creatorId }, select: { internalNotes: true } }) : null;
  const h = health.get(c.id) ?? { score: c.healthScore, reasons: [] };
  const context = buildContextSnapshot({ ...c, internalNotes: notes?.internalNotes ?? null }, milestones, h, day, deps.tz, {
    internalNotes: TEMPLATES[type].usesInternalNotes,
  });
  return { context, brandName: c.brandName, creatorName: c.creatorName };
}
