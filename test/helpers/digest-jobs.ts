import type { Db } from "../../src/db.js";
import type { FeatureDeps } from "../../src/features/types.js";
import { enqueueDigestPlan } from "../../src/features/digests/digest-run.js";
import { createDigestRecord } from "../../src/features/digests/digest-record.js";
import { runKeyOf } from "../../src/features/health/health-job.js";

export type DigestReport = { runKey: string; delivered: string[]; failed: { destination: string; error: string }[] };

/** Waits until no digest job is queued (due) or running. */
export async function digestJobsSettled(db: Db, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM wl_job WHERE kind LIKE 'digests.%' AND (status = 'running' OR (status = 'queued' AND run_at <= now() + interval '2 seconds'))`;
    if (Number(row!.n) === 0) return;
    if (Date.now() > end) throw new Error("digest jobs did not settle");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The scheduled digest as a cron firing starts it (an enqueue), run by whatever workers are
 * up; resolves when its jobs settle, with what changed in the record meanwhile.
 */
export async function fireDigest(deps: FeatureDeps, firedAt = new Date(), timeoutMs?: number): Promise<DigestReport> {
  const runKey = runKeyOf(firedAt, deps.config.digest.tz);
  const record = createDigestRecord(deps.db);
  const before = new Map((await record.rows(runKey)).map((r) => [r.destination, r.status]));
  await enqueueDigestPlan(deps, firedAt);
  await digestJobsSettled(deps.db, timeoutMs);
  const after = (await record.rows(runKey)).filter((r) => r.destination !== "");
  return {
    runKey,
    delivered: after.filter((r) => r.status === "done" && before.get(r.destination) !== "done").map((r) => r.destination),
    failed: after.filter((r) => r.status === "failed").map((r) => ({ destination: r.destination, error: r.error ?? "" })),
  };
}
