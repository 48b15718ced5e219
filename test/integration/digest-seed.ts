import type { Db } from "../../src/db.js";
import { addDays, dateInTz, toDbDate } from "../../src/lib/dates.js";

// Creators whose health the real rules will compute as asked (tests run in DIGEST_TZ=UTC).

export type Kind = "RED" | "YELLOW" | "GREEN";

export const todayUtc = () => dateInTz(new Date(), "UTC");

let seq = 0;

/**
 * `stored` is what health_score says before the nightly recompute (default: the true score).
 * RED: no contact for 40 days; YELLOW: 20 days; GREEN: contacted today. `followUpOverdue`
 * makes the creator RED through a follow-up 10 days past instead (contacted yesterday).
 */
export async function seedCreators(
  db: Db,
  kind: Kind,
  n: number,
  opts: { stored?: Kind; priority?: number; prefix?: string; followUpOverdue?: boolean; status?: string } = {},
): Promise<string[]> {
  const today = todayUtc();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = ++seq;
    const contact = opts.followUpOverdue ? addDays(today, -1) : addDays(today, kind === "RED" ? -40 : kind === "YELLOW" ? -20 : 0);
    const c = await db.creator.create({
      data: {
        creatorName: `${opts.prefix ?? kind} Creator ${k}`,
        creatorEmail: `creator${k}.${Math.random().toString(36).slice(2, 8)}@example.test`,
        brandName: `${opts.prefix ?? kind} Brand ${String(k).padStart(4, "0")}`,
        brandNiche: "Beauty",
        journeyStatus: opts.status ?? "LIVE",
        healthScore: opts.stored ?? kind,
        lastStatusChange: new Date(Date.now() - (1000 - k) * 60_000),
        priorityLevel: opts.priority ?? 3,
        lastContactedDate: toDbDate(contact),
        nextFollowUpDate: opts.followUpOverdue ? toDbDate(addDays(today, -10)) : null,
      },
      select: { id: true },
    });
    ids.push(c.id);
  }
  return ids;
}
