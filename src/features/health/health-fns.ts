import { daysBetween, dateInTz, type IsoDate } from "../../lib/dates.js";
import { journeyLabel } from "../creators/creator-labels.js";

// The one place the health rules live (the contract's "Health score" section). Every
// threshold is named once here; the card, list, Home tab and digests all show these reasons.

export const HEALTH_SCORES = ["GREEN", "YELLOW", "RED"] as const;
export type HealthScore = (typeof HEALTH_SCORES)[number];

export const THRESHOLDS = {
  /** A milestone or follow-up overdue by more than this many days is RED (any overdue: YELLOW). */
  overdueRedDays: 7,
  /** No contact for more than this many days: YELLOW. */
  noContactYellowDays: 14,
  /** No contact for more than this many days: RED. */
  noContactRedDays: 30,
  /** Journey status unchanged for more than this many days in an early stage: YELLOW. */
  stalledStatusDays: 45,
} as const;

export const STALL_STAGES: readonly string[] = ["ONBOARDING", "BRAND_BUILDING", "LAUNCH"];
/** Creators in these states, or inactive ones, need no attention: not scored, not in digests. */
export const UNTRACKED_STATUSES: readonly string[] = ["PAUSED", "CLOSED"];

export type MilestoneSummary = { overdueCount: number; oldestOverdueTarget: IsoDate | null };

export type HealthInput = {
  journeyStatus: string;
  isActive: boolean;
  lastContactedDate: IsoDate | null;
  nextFollowUpDate: IsoDate | null;
  createdAt: Date;
  lastStatusChange: Date;
  milestones: MilestoneSummary;
};

export type Health = { score: HealthScore; reasons: string[] };

/** Open milestones whose target date has passed, reduced to what the rules need. */
export function summariseMilestones(milestones: readonly { targetDate: IsoDate | null; isCompleted: boolean }[], today: IsoDate): MilestoneSummary {
  let overdueCount = 0;
  let oldest: IsoDate | null = null;
  for (const m of milestones) {
    if (m.isCompleted || !m.targetDate || m.targetDate >= today) continue;
    overdueCount++;
    if (oldest === null || m.targetDate < oldest) oldest = m.targetDate;
  }
  return { overdueCount, oldestOverdueTarget: oldest };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Whether the rules apply at all. PAUSED, CLOSED and archived creators are expected to go quiet:
 * scoring their silence RED would fill the list and the digests with noise nobody can act on.
 * health_score is NOT NULL (GREEN/YELLOW/RED only, shared with the Django app), so they are
 * stored GREEN, always with a reason saying the score is not tracked, never an empty one.
 */
export function isTracked(c: { journeyStatus: string; isActive: boolean }): boolean {
  return c.isActive && !UNTRACKED_STATUSES.includes(c.journeyStatus);
}

export function computeHealth(c: HealthInput, today: IsoDate, tz: string): Health {
  if (!c.isActive) return { score: "GREEN", reasons: ["archived: health not tracked"] };
  if (UNTRACKED_STATUSES.includes(c.journeyStatus)) {
    return { score: "GREEN", reasons: [`${c.journeyStatus.toLowerCase()}: health not tracked`] };
  }
  const red: string[] = [];
  const yellow: string[] = [];

  const { overdueCount, oldestOverdueTarget } = c.milestones;
  if (overdueCount > 0 && oldestOverdueTarget) {
    const days = daysBetween(oldestOverdueTarget, today);
    const text =
      overdueCount === 1 ? `1 milestone overdue by ${plural(days, "day")}` : `${overdueCount} milestones overdue, the oldest by ${plural(days, "day")}`;
    (days > THRESHOLDS.overdueRedDays ? red : yellow).push(text);
  }

  if (c.nextFollowUpDate && c.nextFollowUpDate < today) {
    const days = daysBetween(c.nextFollowUpDate, today);
    (days > THRESHOLDS.overdueRedDays ? red : yellow).push(`follow-up overdue by ${plural(days, "day")}`);
  }

  const contactFrom = c.lastContactedDate ?? dateInTz(c.createdAt, tz);
  const silent = daysBetween(contactFrom, today);
  if (silent > THRESHOLDS.noContactRedDays) red.push(`no contact for ${silent} days`);
  else if (silent > THRESHOLDS.noContactYellowDays) yellow.push(`no contact for ${silent} days`);

  if (STALL_STAGES.includes(c.journeyStatus)) {
    const inStage = daysBetween(dateInTz(c.lastStatusChange, tz), today);
    if (inStage > THRESHOLDS.stalledStatusDays) yellow.push(`in ${journeyLabel(c.journeyStatus).toLowerCase()} for ${inStage} days`);
  }

  if (red.length > 0) return { score: "RED", reasons: [...red, ...yellow] };
  if (yellow.length > 0) return { score: "YELLOW", reasons: yellow };
  return { score: "GREEN", reasons: [] };
}

/** Ordering used by the dashboard, list and digests: RED, YELLOW, GREEN. */
export const SCORE_RANK: Record<HealthScore, number> = { RED: 0, YELLOW: 1, GREEN: 2 };
