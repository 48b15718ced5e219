import type { KnownBlock } from "@slack/types";
import { z } from "zod";
import type { IsoDate } from "../../lib/dates.js";

/** One creator as the digest shows it. */
export type DigestEntry = {
  id: string;
  brandName: string;
  creatorName: string;
  journeyStatus: string;
  priority: number;
  lastStatusChange: Date;
  nextFollowUp: IsoDate | null;
  /** The score now; a creator that recovered after the day's plan was made shows GREEN. */
  score: "RED" | "YELLOW" | "GREEN";
  reasons: string[];
};

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * What a day's digest says, fixed once per day (the plan row's `detail`), so every destination
 * and every resumed post shows the same creators in the same order and splits identically.
 * It is also what tomorrow's digest compares itself with.
 */
export const snapshotSchema = z.object({
  today: isoDate,
  red: z.array(z.string()),
  yellow: z.array(z.string()),
  /** Tracked creators GREEN when the plan was made (absent in plans made before it was counted). */
  green: z.number().int().optional(),
  /** RED or YELLOW but snoozed: left out of this digest (absent in older plans). */
  snoozed: z.array(z.string()).optional(),
  since: z
    .object({
      runKey: isoDate,
      newRed: z.array(z.string()),
      recovered: z.array(z.object({ id: z.string(), name: z.string() })),
    })
    .nullable(),
  undelivered: z.array(z.object({ runKey: isoDate, destination: z.string(), error: z.string() })),
});
export type DigestSnapshot = z.infer<typeof snapshotSchema>;

/** A destination's progress (its row's `detail`): where it went and each part's ts, in order. */
export const deliverySchema = z.object({
  channel: z.string().optional(),
  parts: z.array(z.string()).default([]),
  total: z.number().int().optional(),
  /** The 14-day chart was uploaded into the thread (digest-chart-upload.ts). */
  chart: z.boolean().optional(),
});
export type Delivery = z.infer<typeof deliverySchema>;

export type DigestMessage = { text: string; blocks: KnownBlock[] };

/** How a digest is being shown: the scheduled post, an on-demand post, or a private preview. */
export type DigestMode =
  | { kind: "scheduled" }
  | { kind: "on_demand"; bySlackUserId: string }
  | { kind: "preview" }
  // A manager's own digest by DM (src/features/digest-settings/).
  | { kind: "personal"; scope: "all" | "followed" };
