import cron from "node-cron";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { WebClient } from "@slack/web-api";
import type { Actor } from "../../identity/actor.js";
import { writeAudit } from "../../audit/audit-service.js";
import { dateInTz, type IsoDate } from "../../lib/dates.js";
import type { Logger } from "../../logger.js";
import type { FeatureDeps } from "../types.js";
import { HEALTH_JOB, runKeyOf, runNightlyHealth } from "../health/health-job.js";
import { renderDigest } from "./digest-blocks.js";
import { createClaims, type Claim, type Claims } from "./digest-claims.js";
import { lastFireOnDay } from "./digest-cron.js";
import { createDigestService, DIGEST_JOB, PLAN_DESTINATION } from "./digest-service.js";
import { deliverySchema, snapshotSchema, type DigestMessage, type DigestSnapshot } from "./digest-types.js";

// The scheduled digest, exactly once per day per destination however many replicas fire it:
//  1. the day's plan row: one replica recomputes health and fixes who is in today's digest;
//  2. one row per destination: the replica that claims it posts the parts, recording each
//     part's ts as it goes, so whoever resumes it later posts only what is missing.
// Posts happen after the claim commits; a crash between a post and its record re-posts at
// most that one part.

export type RunOptions = {
  /** A claim whose holder made no progress for this long is taken to be a crashed replica's. */
  staleAfterMs?: number;
  /** How often a replica re-checks work another replica is doing. */
  pollMs?: number;
  /** A destination that failed is retried by later runs of the same day up to this many attempts. */
  maxAttempts?: number;
};
export const RUN_DEFAULTS: Required<RunOptions> = { staleAfterMs: 10 * 60_000, pollMs: 2_000, maxAttempts: 5 };

export type RunReport = { runKey: IsoDate; delivered: string[]; failed: { destination: string; error: string }[]; waitedOut: boolean };

type Deps = FeatureDeps;

export async function runScheduledDigest(deps: Deps, firedAt: Date, opts: RunOptions = {}): Promise<RunReport> {
  const o = { ...RUN_DEFAULTS, ...opts };
  const claims = createClaims(deps.db, DIGEST_JOB);
  const runKey = dateInTz(await claims.dbNow(), deps.config.digest.tz);
  const log = deps.logger.child({ job: DIGEST_JOB, runKey });
  // Waiting on another replica ends once its claim would have gone stale and been taken over.
  const deadline = Date.now() + o.staleAfterMs + 3 * o.pollMs;
  const report: RunReport = { runKey, delivered: [], failed: [], waitedOut: false };

  const snapshot = await ensurePlan(deps, claims, runKey, firedAt, o, deadline, log);
  if (!snapshot) {
    report.waitedOut = true;
    log.warn("another replica still holds today's digest plan; leaving it to that replica");
    return report;
  }
  const service = createDigestService(deps);
  let messages: DigestMessage[] | undefined;
  const render = async () => (messages ??= renderDigest(snapshot, await service.entriesFor(snapshot, runKey), { kind: "scheduled" }));

  const attempt = async (destination: string, retryFailed: boolean) => {
    const claim = await claims.claim(runKey, destination, { staleAfterMs: o.staleAfterMs, retryFailed, maxAttempts: o.maxAttempts });
    if (!claim) return;
    const outcome = await deliverClaimed(deps.client, claims, claim, destination, render, log);
    if (outcome.ok) report.delivered.push(destination);
    else if (outcome.error) report.failed.push({ destination, error: outcome.error });
  };

  // Failed destinations get one more try per run; a failure never stops the others.
  for (const destination of await destinationsOf(deps)) await attempt(destination, true);

  // Destinations other replicas are posting: wait for them, and finish any whose holder died.
  for (;;) {
    const open = (await claims.rows(runKey)).filter((r) => r.destination !== PLAN_DESTINATION && r.status === "running");
    if (open.length === 0) break;
    if (Date.now() > deadline) {
      report.waitedOut = true;
      break;
    }
    await sleep(o.pollMs);
    for (const r of open) await attempt(r.destination, false);
  }
  if (report.delivered.length || report.failed.length) log.info({ delivered: report.delivered.length, failed: report.failed }, "digest run finished");
  return report;
}

/** Today's plan: made by the replica that claims it, waited for by the others. */
async function ensurePlan(
  deps: Deps,
  claims: Claims,
  runKey: IsoDate,
  firedAt: Date,
  o: Required<RunOptions>,
  deadline: number,
  log: Logger,
): Promise<DigestSnapshot | null> {
  for (;;) {
    const claim = await claims.claim(runKey, PLAN_DESTINATION, { staleAfterMs: o.staleAfterMs, retryFailed: true, maxAttempts: o.maxAttempts });
    if (claim) {
      try {
        // The passage of time moves scores: recompute before deciding who is in the digest.
        await recomputeHealthFirst(deps, firedAt, o.pollMs, deadline, log);
        const { snapshot } = await createDigestService(deps).prepare(runKey, { compareWithToday: false });
        if (await claims.finish(claim, "done", snapshot)) return snapshot;
        // Too slow: another replica took the plan over; use the one it finished.
      } catch (e) {
        await claims.finish(claim, "failed", {}, errorText(e)).catch(() => undefined);
        log.error({ err: e }, "could not prepare today's digest");
        throw e;
      }
    }
    const row = await claims.get(runKey, PLAN_DESTINATION);
    if (row?.status === "done") return snapshotSchema.parse(row.detail);
    if (row?.status === "failed" && row.attempts >= o.maxAttempts) throw new Error(`today's digest plan failed ${row.attempts} times: ${row.error}`);
    if (Date.now() > deadline) return null;
    await sleep(o.pollMs);
  }
}

/**
 * The nightly recompute, once per day: if another replica (or the nightly schedule) holds it
 * right now, wait for it to finish rather than build the digest on yesterday's scores.
 */
async function recomputeHealthFirst(deps: Deps, firedAt: Date, pollMs: number, deadline: number, log: Logger): Promise<void> {
  const r = await runNightlyHealth(deps, firedAt);
  if (r.ran) return;
  const nightly = createClaims(deps.db, HEALTH_JOB);
  const key = runKeyOf(firedAt, deps.config.digest.tz);
  while (Date.now() < deadline) {
    const row = await nightly.get(key, "");
    if (row?.status !== "running") {
      if (row?.status === "failed") log.warn({ error: row.error }, "today's health recompute failed; the digest uses the scores as they are");
      return;
    }
    await sleep(pollMs);
  }
}

/** The digest channel (if set) and every manager by DM; admins hold every manager right, so they get it too. */
async function destinationsOf(deps: Deps): Promise<string[]> {
  const out = deps.config.digest.channel ? [deps.config.digest.channel] : [];
  const people = await deps.identity.usersWithRole("manager");
  for (const id of people.map((p) => p.slackUserId).sort()) if (!out.includes(id)) out.push(id);
  return out;
}

async function deliverClaimed(
  client: WebClient,
  claims: Claims,
  claim: Claim,
  destination: string,
  render: () => Promise<DigestMessage[]>,
  log: Logger,
): Promise<{ ok: boolean; error?: string }> {
  const prior = deliverySchema.safeParse(claim.detail ?? {});
  const state = { channel: (prior.success && prior.data.channel) || destination, parts: prior.success ? [...prior.data.parts] : [] };
  let total: number | undefined;
  try {
    const messages = await render();
    total = messages.length;
    const kept = await postParts(client, messages, state, (s) => claims.progress(claim, { ...s, total }));
    if (!kept) {
      log.warn({ destination }, "another replica took over this digest delivery; stopping");
      return { ok: false };
    }
    await claims.finish(claim, "done", { ...state, total });
    if (prior.success && prior.data.parts.length) log.info({ destination, resumedAt: prior.data.parts.length, of: total }, "digest delivery resumed");
    return { ok: true };
  } catch (e) {
    const error = errorText(e);
    await claims.finish(claim, "failed", { ...state, total }, error).catch(() => undefined);
    log.error({ destination, error, partsSent: state.parts.length, of: total }, "digest could not be delivered");
    return { ok: false, error };
  }
}

/**
 * Posts the parts not yet sent: the first in the channel, the rest in its thread. `state` is
 * updated after each post and handed to `record`; a false from `record` stops (claim lost).
 */
export async function postParts(
  client: WebClient,
  messages: readonly DigestMessage[],
  state: { channel: string; parts: string[] },
  record: (s: { channel: string; parts: string[] }) => Promise<boolean>,
): Promise<boolean> {
  for (let i = state.parts.length; i < messages.length; i++) {
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
 * At start-up: if today's DIGEST_CRON time has passed and today's digest is missing or
 * unfinished, run it now. A fresh installation (no digest ever) waits for the schedule,
 * rather than greeting its first boot with a digest nobody missed.
 */
export async function catchUpMissedDigest(deps: Deps, opts: RunOptions = {}): Promise<{ ran: boolean; reason: string; report?: RunReport }> {
  const claims = createClaims(deps.db, DIGEST_JOB);
  const now = await claims.dbNow();
  const { cron: expr, tz } = deps.config.digest;
  const today = dateInTz(now, tz);
  const fire = lastFireOnDay(cron.parse(expr), today, tz, now);
  if (!fire) return { ran: false, reason: "today's digest is not due yet" };
  const rows = await claims.rows(today);
  if (rows.length === 0 && !(await claims.everRan())) return { ran: false, reason: "no digest has run on this installation yet" };
  if (rows.length > 0 && rows.every((r) => r.status === "done")) return { ran: false, reason: "today's digest was sent" };
  const report = await runScheduledDigest(deps, fire, opts);
  return { ran: true, reason: rows.length ? "resumed today's unfinished digest" : "sent today's missed digest", report };
}

function errorText(e: unknown): string {
  const x = e as { data?: { error?: string }; statusCode?: number; message?: string };
  const text = x?.data?.error ?? (x?.statusCode ? `HTTP ${x.statusCode}` : x?.message) ?? String(e);
  return text.slice(0, 500);
}
