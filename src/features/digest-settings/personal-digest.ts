import { z } from "zod";
import type { Db } from "../../db.js";
import type { JobContext, ClaimedJob, JobQueue } from "../../jobs/job-types.js";
import type { IsoDate } from "../../lib/dates.js";
import type { Clock, FeatureDeps } from "../types.js";
import type { DigestService } from "../digests/digest-service.js";
import { renderDigest } from "../digests/digest-blocks.js";
import { postParts } from "../digests/digest-run.js";
import { snapshotSchema } from "../digests/digest-types.js";
import type { FollowService } from "../follows/follow-service.js";
import { uploadDigestChart } from "../digests/digest-chart-upload.js";
import { dueDay, onlyFollowed, personalDigestKey } from "./settings-fns.js";
import type { DigestSettingsService } from "./settings-service.js";

// Personal digests: each manager's DM at their own time, once per local day across replicas.
//  1. Every replica's clock ticks each minute and asks which enabled managers' local time has
//     reached their digest time today; for each it enqueues one job keyed (manager, local day).
//     The insert is conditional (ON CONFLICT DO NOTHING, its row count read back), so replicas
//     ticking together store one job, and a later tick the same day stores none.
//  2. The job fixes what the manager's digest says (the day's creators, cut to those they follow
//     when asked) in its progress, then posts the parts not yet posted, checkpointing each ts:
//     a resumed or taken-over job posts only what is missing, from the same snapshot.

export const PERSONAL_DIGEST_JOB = "digests.personal";

const payloadSchema = z.object({ userId: z.number().int(), slackUserId: z.string().min(1), day: z.string() });

const progressSchema = z.object({
  snapshot: snapshotSchema,
  scope: z.enum(["all", "followed"]),
  channel: z.string(),
  parts: z.array(z.string()),
  /** The 14-day chart was uploaded into the digest's thread. */
  chart: z.boolean().default(false),
});
type Progress = z.infer<typeof progressSchema>;

/**
 * The per-minute clock's work: one job per due manager per local day. Returns how many this
 * call stored (0 when another replica got there first).
 */
export async function enqueueDuePersonalDigests(
  deps: { db: Db; jobs: JobQueue; clock: Clock },
  settings: Pick<DigestSettingsService, "enabled">,
): Promise<number> {
  const now = deps.clock.now();
  const due = (await settings.enabled()).flatMap((s) => {
    const day = dueDay(s, now);
    return day ? [{ s, day, key: personalDigestKey(s.userId, day) }] : [];
  });
  if (due.length === 0) return 0;
  // Most ticks find every due manager already served today: one read instead of one insert each.
  const seen = await deps.db.$queryRaw<{ key: string }[]>`
    SELECT dedupe_key AS key FROM wl_job WHERE kind = ${PERSONAL_DIGEST_JOB} AND dedupe_key = ANY(${due.map((d) => d.key)}::text[])`;
  const done = new Set(seen.map((r) => r.key));
  let stored = 0;
  for (const d of due) {
    if (done.has(d.key)) continue;
    const id = await deps.jobs.enqueue(deps.db, {
      kind: PERSONAL_DIGEST_JOB,
      payload: { userId: d.s.userId, slackUserId: d.s.slackUserId, day: d.day },
      dedupeKey: d.key,
      maxAttempts: 5,
    });
    if (id) stored += 1;
  }
  return stored;
}

export type PersonalDigestDeps = Pick<FeatureDeps, "db" | "client" | "identity" | "logger" | "clock"> & {
  digests: Pick<DigestService, "prepare" | "entriesFor">;
  settings: Pick<DigestSettingsService, "get">;
  follows: Pick<FollowService, "followedIds">;
};

/** The job: the manager's digest by DM, unless they turned it off or are no longer a manager. */
export async function sendPersonalDigest(deps: PersonalDigestDeps, job: ClaimedJob, ctx: JobContext): Promise<{ sent: boolean; parts: number }> {
  const p = payloadSchema.parse(job.payload);
  const day = p.day as IsoDate;
  const log = ctx.logger.child({ user: p.userId, day });
  const settings = await deps.settings.get(p.userId);
  const managers = await deps.identity.usersWithRole("manager");
  if (!settings?.enabled || !managers.some((m) => m.userId === p.userId)) {
    log.info("personal digest skipped: turned off, or no longer a manager");
    return { sent: false, parts: 0 };
  }
  const prior = progressSchema.safeParse(job.progress);
  let state: Progress;
  if (prior.success) {
    state = prior.data;
  } else {
    const { snapshot } = await deps.digests.prepare(day, { compareWithToday: false });
    const mine = settings.scope === "followed" ? onlyFollowed(snapshot, await deps.follows.followedIds(p.userId)) : snapshot;
    state = { snapshot: mine, scope: settings.scope, channel: p.slackUserId, parts: [], chart: false };
    if (!(await ctx.checkpoint(state))) throw new Error("another replica took this personal digest over");
  }
  const entries = await deps.digests.entriesFor(state.snapshot, day);
  const messages = renderDigest(state.snapshot, entries, { kind: "personal", scope: state.scope });
  const kept = await postParts(deps.client, messages, state, (s) => ctx.checkpoint({ ...state, ...s }), ctx.signal);
  if (!kept) throw new Error("another replica took this personal digest over");
  if (!state.chart && state.parts[0]) {
    // The picture goes into the digest's thread; checkpointed so a resumed job does not upload it twice.
    await uploadDigestChart(deps, { channel: state.channel, threadTs: state.parts[0], day, now: deps.clock.now() });
    state.chart = true;
    if (!(await ctx.checkpoint(state))) throw new Error("another replica took this personal digest over");
  }
  log.info({ parts: state.parts.length }, "personal digest sent");
  return { sent: true, parts: state.parts.length };
}
