import cron from "node-cron";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { WebClient } from "@slack/web-api";
import type { Actor } from "../../identity/actor.js";
import { writeAudit } from "../../audit/audit-service.js";
import { dateInTz, type IsoDate } from "../../lib/dates.js";
import type { FeatureDeps } from "../types.js";
import { PermanentJobError, type ClaimedJob, type JobContext } from "../../jobs/job-types.js";
import { HEALTH_JOB, runKeyOf, runNightlyHealth } from "../health/health-job.js";
import { uploadDigestChart } from "./digest-chart-upload.js";
import { renderDigest } from "./digest-blocks.js";
import { createDigestRecord, STATUS } from "./digest-record.js";
import { lastFireOnDay } from "./digest-cron.js";
import { createDigestService, PLAN_DESTINATION } from "./digest-service.js";
import { createDigestSettingsService } from "../digest-settings/settings-service.js";
import { deliverySchema, snapshotSchema, type DigestMessage, type DigestSnapshot } from "./digest-types.js";

// The scheduled digest, exactly once per day per destination however many replicas run:
//  1. the cron firing (and the start-up catch-up) enqueue the day's plan job, keyed by the day,
//     so one plan job exists per day; it recomputes health, fixes who is in today's digest
//     (the plan row) and enqueues one delivery job per destination, keyed by (day, destination);
//  2. a delivery job posts the parts not yet posted, checkpointing each part's ts under its
//     lease. A replica that stops hands it back after the part in flight; one that dies is
//     taken over within seconds and the next holder posts only what is missing.
// Posts happen outside any transaction; only a process killed between Slack accepting a part
// and its checkpoint (milliseconds) can cause that one part to be posted again.

export const DIGEST_PLAN_JOB = "digests.plan";
export const DIGEST_DELIVER_JOB = "digests.deliver";

/** How long a plan waits for another replica's health recompute before using the scores as they are. */
const HEALTH_WAIT_MS = 10 * 60_000;
const HEALTH_POLL_MS = 2_000;

type Deps = FeatureDeps;

/** The day's plan, enqueued once per day (the day is the dedupe key). */
export function enqueueDigestPlan(deps: Pick<Deps, "db" | "jobs" | "config">, firedAt: Date): Promise<string | null> {
  const runKey = runKeyOf(firedAt, deps.config.digest.tz);
  return deps.jobs.enqueue(deps.db, { kind: DIGEST_PLAN_JOB, payload: { runKey, firedAt: firedAt.toISOString() }, dedupeKey: runKey, maxAttempts: 3 });
}

/**
 * The plan job: today's snapshot (made once; a plan that lost a race uses the winner's), then
 * one delivery job per destination, each with its record row, in one transaction.
 */
export async function planDigest(
  deps: Deps,
  job: ClaimedJob,
  ctx: Pick<JobContext, "signal">,
  opts: { deliveryAttempts: number },
): Promise<{ runKey: IsoDate; destinations: string[] }> {
  const runKey = String(job.payload.runKey) as IsoDate;
  const firedAt = new Date(String(job.payload.firedAt));
  const record = createDigestRecord(deps.db);
  const existing = await record.get(runKey, PLAN_DESTINATION);
  let snapshot: DigestSnapshot;
  if (existing?.status === STATUS.done) {
    snapshot = snapshotSchema.parse(existing.detail);
  } else {
    // The passage of time moves scores: recompute before deciding who is in the digest.
    await recomputeHealthFirst(deps, firedAt, ctx.signal);
    const { snapshot: fresh } = await createDigestService(deps).prepare(runKey, { compareWithToday: false });
    snapshot = await record.savePlan(runKey, fresh);
  }
  const destinations = await destinationsOf(deps);
  await deps.db.$transaction(async (tx) => {
    const rows = createDigestRecord(tx);
    for (const destination of destinations) {
      await rows.openDelivery(runKey, destination);
      await deps.jobs.enqueue(tx, {
        kind: DIGEST_DELIVER_JOB,
        payload: { runKey, destination },
        dedupeKey: `${runKey}:${destination}`,
        maxAttempts: opts.deliveryAttempts,
      });
    }
  });
  deps.logger.info({ runKey, red: snapshot.red.length, yellow: snapshot.yellow.length, destinations: destinations.length }, "digest planned");
  return { runKey, destinations };
}

/**
 * A delivery job: posts the parts of the day's digest not yet posted to one destination,
 * recording each part's ts (checkpoint) as it goes. Stops between parts when asked.
 */
export async function deliverDigest(deps: Deps, job: ClaimedJob, ctx: JobContext): Promise<void> {
  const runKey = String(job.payload.runKey) as IsoDate;
  const destination = String(job.payload.destination);
  const record = createDigestRecord(deps.db);
  const log = deps.logger.child({ job: DIGEST_DELIVER_JOB, runKey });
  const row = await record.get(runKey, destination);
  if (row?.status === STATUS.done) return;
  const plan = await record.get(runKey, PLAN_DESTINATION);
  if (plan?.status !== STATUS.done) throw new PermanentJobError(`no finished plan for ${runKey}`);
  const snapshot = snapshotSchema.parse(plan.detail);
  const prior = deliverySchema.safeParse(job.progress ?? row?.detail ?? {});
  const state = { channel: (prior.success && prior.data.channel) || destination, parts: prior.success ? [...prior.data.parts] : [] };
  let total: number | undefined;
  try {
    const messages = renderDigest(snapshot, await createDigestService(deps).entriesFor(snapshot, runKey), { kind: "scheduled" });
    total = messages.length;
    await record.recordDelivery(runKey, destination, { status: "running", attempts: job.attempts, detail: { ...state, total } });
    const kept = await postParts(deps.client, messages, state, (s) => ctx.checkpoint({ ...s, total }), ctx.signal);
    if (!kept) throw new Error("another replica took this digest delivery over");
    if (!(prior.success && prior.data.chart) && state.parts[0]) {
      // Checkpointed, so a resumed delivery does not upload the chart twice.
      await uploadDigestChart(deps, { channel: state.channel, threadTs: state.parts[0], day: runKey, now: deps.clock.now() });
      if (!(await ctx.checkpoint({ ...state, total, chart: true }))) throw new Error("another replica took this digest delivery over");
    }
    await record.recordDelivery(runKey, destination, { status: "done", attempts: job.attempts, detail: { ...state, total } });
    if (prior.success && prior.data.parts.length) log.info({ destination, resumedAt: prior.data.parts.length, of: total }, "digest delivery resumed");
  } catch (e) {
    if (ctx.signal.aborted) {
      log.info({ destination, partsSent: state.parts.length, of: total }, "digest delivery stopped between parts; handed back");
      throw e;
    }
    const error = errorText(e);
    await record.recordDelivery(runKey, destination, { status: "failed", attempts: job.attempts, detail: { ...state, total }, error }).catch(() => undefined);
    log.error({ destination, error, partsSent: state.parts.length, of: total }, "digest could not be delivered");
    throw e;
  }
}

/**
 * The nightly recompute, once per day: if another replica (or the nightly schedule) holds it
 * right now, wait for it to finish rather than build the digest on yesterday's scores.
 */
async function recomputeHealthFirst(deps: Deps, firedAt: Date, signal: AbortSignal): Promise<void> {
  const r = await runNightlyHealth(deps, firedAt);
  if (r.ran) return;
  const nightly = createDigestRecord(deps.db, HEALTH_JOB);
  const key = runKeyOf(firedAt, deps.config.digest.tz);
  const deadline = Date.now() + HEALTH_WAIT_MS;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    const row = await nightly.get(key, "");
    if (row?.status !== "running") {
      if (row?.status === "failed") deps.logger.warn({ error: row.error }, "today's health recompute failed; the digest uses the scores as they are");
      return;
    }
    await sleep(HEALTH_POLL_MS);
  }
}

/**
 * The digest channel (if set) and every manager by DM; admins hold every manager right, so they
 * get it too. A manager who saved `/wl digest settings` is on their own schedule instead.
 */
async function destinationsOf(deps: Deps): Promise<string[]> {
  const out = deps.config.digest.channel ? [deps.config.digest.channel] : [];
  const people = await deps.identity.usersWithRole("manager");
  const own = await createDigestSettingsService(deps).scheduledSlackIds();
  for (const id of people.map((p) => p.slackUserId).sort()) if (!out.includes(id) && !own.has(id)) out.push(id);
  return out;
}

/**
 * Posts the parts not yet sent: the first in the channel, the rest in its thread. `state` is
 * updated after each post and handed to `record`; a false from `record` stops (claim lost),
 * and so does `signal` before the next part (this replica is stopping).
 */
export async function postParts(
  client: WebClient,
  messages: readonly DigestMessage[],
  state: { channel: string; parts: string[] },
  record: (s: { channel: string; parts: string[] }) => Promise<boolean>,
  signal?: AbortSignal,
): Promise<boolean> {
  for (let i = state.parts.length; i < messages.length; i++) {
    // A safe point: every part before this one is posted and recorded.
    signal?.throwIfAborted();
    const m = messages[i]!;
    const res = await client.chat.postMessage({
      channel: state.channel,
      text: m.text,
      blocks: m.blocks,
      unfurl_links: false,
      unfurl_media: false,
      ...(i > 0 ? { thread_ts: state.parts[0]! } : {}),
    });
    if (!res.ts) throw new Error("chat.postMessage answered without a ts");
    // A DM posted to a user id lands in a D… channel; replies and updates need that id.
    if (i === 0 && typeof res.channel === "string" && res.channel) state.channel = res.channel;
    state.parts.push(res.ts);
    if (!(await record(state))) return false;
  }
  return true;
}

/**
 * `/wl digest now`: the digest as of now to DIGEST_CHANNEL, marked as on demand; no run is
 * consumed. Audited once the outcome is known: what was posted, or that posting failed and
 * how far it got (a row written before the post would claim a digest that never went out).
 */
export async function postDigestNow(
  deps: Pick<FeatureDeps, "db" | "client" | "health" | "config">,
  actor: Actor,
  today: IsoDate,
): Promise<{ channel: string; parts: number; creators: number }> {
  const channel = deps.config.digest.channel;
  if (!channel) throw new Error("DIGEST_CHANNEL is not set");
  const { snapshot, entries } = await createDigestService(deps).prepare(today, { compareWithToday: true });
  const messages = renderDigest(snapshot, entries, { kind: "on_demand", bySlackUserId: actor.slackUserId ?? "unknown" });
  const creators = snapshot.red.length + snapshot.yellow.length;
  const state = { channel, parts: [] as string[] };
  const audit = (entry: { action: "CREATE" | "VIEW"; notes: string; changes: Record<string, unknown> }) =>
    writeAudit(deps.db, actor, { ...entry, targetModel: "HealthDigest", targetId: randomUUID(), targetDisplay: "/wl digest now" });
  try {
    await postParts(deps.client, messages, state, async () => true);
  } catch (e) {
    const error = errorText(e);
    const posted = state.parts.length;
    await audit({
      // A partly posted digest is in the channel: that is a creation, if an incomplete one.
      action: posted > 0 ? "CREATE" : "VIEW",
      changes: { channel, parts_posted: posted, parts_total: messages.length, creators, error },
      notes: `on-demand digest to ${channel} failed after ${posted} of ${messages.length} part(s): ${error}`,
    });
    throw e;
  }
  await audit({
    action: "CREATE",
    changes: { channel: state.channel, parts_posted: state.parts.length, parts_total: messages.length, creators, ts: state.parts[0] ?? null },
    notes: `digest posted on demand to ${channel}: ${creators} creator(s) in ${state.parts.length} message(s)`,
  });
  return { channel: state.channel, parts: state.parts.length, creators };
}

/**
 * At start-up: if today's DIGEST_CRON time has passed and today's digest was never planned,
 * enqueue its plan now (keyed by the day, like the cron firing: at most one runs). A fresh
 * installation (no digest ever) waits for the schedule, rather than greeting its first boot
 * with a digest nobody missed. An unfinished delivery needs nothing here: its job is stored
 * and any replica finishes it.
 */
export async function catchUpMissedDigest(deps: Pick<Deps, "db" | "jobs" | "config">): Promise<{ ran: boolean; reason: string }> {
  const record = createDigestRecord(deps.db);
  const now = await record.dbNow();
  const { cron: expr, tz } = deps.config.digest;
  const today = dateInTz(now, tz);
  const fire = lastFireOnDay(cron.parse(expr), today, tz, now);
  if (!fire) return { ran: false, reason: "today's digest is not due yet" };
  const plan = await record.get(today, PLAN_DESTINATION);
  if (plan?.status === STATUS.done) return { ran: false, reason: "today's digest was planned" };
  if (!plan && !(await record.everRan())) return { ran: false, reason: "no digest has run on this installation yet" };
  const queued = await enqueueDigestPlan(deps, fire);
  return queued ? { ran: true, reason: "queued today's missed digest" } : { ran: false, reason: "today's digest is already queued" };
}

function errorText(e: unknown): string {
  const x = e as { data?: { error?: string }; statusCode?: number; message?: string };
  const text = x?.data?.error ?? (x?.statusCode ? `HTTP ${x.statusCode}` : x?.message) ?? String(e);
  return text.slice(0, 500);
}
