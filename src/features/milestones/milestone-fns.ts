import { dateInTz, daysBetween, type IsoDate } from "../../lib/dates.js";

// Pure rules of the milestones list: order and the state shown beside each milestone.

export type MilestoneView = {
  id: string;
  title: string;
  description: string | null;
  targetDate: IsoDate | null;
  completedDate: IsoDate | null;
  isCompleted: boolean;
  relatedJourneyStage: string;
  createdAt: Date;
};

/**
 * The seed's ordering (`target_date ASC, is_completed DESC`, as Postgres sorts it: undated
 * last), then creation time so equal rows keep a stable place between refreshes.
 */
export function compareMilestones(a: MilestoneView, b: MilestoneView): number {
  if (a.targetDate !== b.targetDate) {
    if (a.targetDate === null) return 1;
    if (b.targetDate === null) return -1;
    return a.targetDate < b.targetDate ? -1 : 1;
  }
  if (a.isCompleted !== b.isCompleted) return a.isCompleted ? -1 : 1;
  const t = a.createdAt.getTime() - b.createdAt.getTime();
  return t !== 0 ? t : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export type MilestoneState = { kind: "done"; on: IsoDate | null } | { kind: "overdue"; days: number } | { kind: "due"; inDays: number } | { kind: "undated" };

/** Overdue means past its target date (the health rule's meaning): due today is not overdue. */
export function milestoneState(m: Pick<MilestoneView, "isCompleted" | "completedDate" | "targetDate">, today: IsoDate): MilestoneState {
  if (m.isCompleted) return { kind: "done", on: m.completedDate };
  if (!m.targetDate) return { kind: "undated" };
  const d = daysBetween(today, m.targetDate);
  return d < 0 ? { kind: "overdue", days: -d } : { kind: "due", inDays: d };
}

const days = (n: number) => `${n} ${n === 1 ? "day" : "days"}`;

export function describeState(s: MilestoneState): string {
  switch (s.kind) {
    case "done":
      return s.on ? `done ${s.on}` : "done";
    case "overdue":
      return `overdue by ${days(s.days)}`;
    case "due":
      return s.inDays === 0 ? "due today" : s.inDays === 1 ? "due tomorrow" : `due in ${days(s.inDays)}`;
    case "undated":
      return "no target date";
  }
}

/**
 * A milestone added with a target date already past (a back-filled plan, or a mistyped year)
 * is saved as asked, but the answer says so rather than let it turn the creator RED silently.
 * "Past" is in the studio's time zone: due today is not overdue (as milestoneState says).
 */
export function overdueOnAddNote(m: { title: string; targetDate: IsoDate | null }, now: Date, tz: string): string | null {
  if (!m.targetDate) return null;
  return m.targetDate < dateInTz(now, tz) ? `“${m.title}” is already overdue (due ${m.targetDate}).` : null;
}
