import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { digestJobsSettled } from "../helpers/digest-jobs.js";
import { catchUpMissedDigest, DIGEST_DELIVER_JOB } from "../../src/features/digests/digest-run.js";
import { onStart, schedules } from "../../src/features/digests/register.js";
import { addDays } from "../../src/lib/dates.js";
import { seedCreators, todayUtc } from "./digest-seed.js";

// DIGEST_CRON at midnight UTC: today's digest time has always passed when these tests run, so
// "every replica was down at the scheduled time" is the state each test starts in.

const CHANNEL = "C0DIGEST";
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ DIGEST_CHANNEL: CHANNEL, DIGEST_TZ: "UTC", DIGEST_CRON: "0 0 * * *" });
  await grantRoles(h, { UMANAGER: "manager" });
  await seedCreators(h.tdb.db, "RED", 2);
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await digestJobsSettled(h.tdb.db);
  await h.tdb.db.$executeRaw`DELETE FROM wl_job_run`;
  await h.tdb.db.$executeRaw`DELETE FROM wl_job`;
  h.slack.reset();
});

/** A digest that went out yesterday: the installation is live. */
async function sentYesterday() {
  await h.tdb.db.jobRun.create({
    data: {
      job: "digest",
      runKey: addDays(todayUtc(), -1),
      destination: "",
      status: "done",
      detail: { today: addDays(todayUtc(), -1), red: [], yellow: [], since: null, undelivered: [] },
    },
  });
}

describe("missed-digest catch-up on start", () => {
  it("sends today's missed digest once when a replica comes back after the scheduled time", async () => {
    await sentYesterday();
    const first = await catchUpMissedDigest(h.bot.deps);
    expect(first).toEqual({ ran: true, reason: "queued today's missed digest" });
    // A second replica starting at the same time queues nothing more (the day is the key).
    expect(await catchUpMissedDigest(h.bot.deps)).toEqual({ ran: false, reason: "today's digest is already queued" });
    await digestJobsSettled(h.tdb.db);
    expect(h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === CHANNEL)).toHaveLength(1);
    expect(await h.tdb.db.jobRun.count({ where: { job: "digest", runKey: todayUtc(), status: "done" } })).toBe(4);

    // A replica starting later the same day sends nothing more.
    const later = await catchUpMissedDigest(h.bot.deps);
    expect(later).toEqual({ ran: false, reason: "today's digest was planned" });
    await digestJobsSettled(h.tdb.db);
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(3);
  });

  it("onStart queues the catch-up without waiting for it (start-up never waits on Slack)", async () => {
    await sentYesterday();
    h.slack.on("chat.postMessage", async () => {
      await new Promise((r) => setTimeout(r, 500));
      return undefined;
    });
    const started = Date.now();
    await onStart(h.bot.deps);
    expect(Date.now() - started).toBeLessThan(500);
    await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === CHANNEL, 10_000);
    await digestJobsSettled(h.tdb.db);
    expect(await h.tdb.db.jobRun.count({ where: { job: "digest", runKey: todayUtc(), status: "done" } })).toBe(4);
  });

  it("an unfinished delivery needs no catch-up: its job is stored, and retried by whichever replica is up", async () => {
    await sentYesterday();
    let failed = false;
    h.slack.on("chat.postMessage", (args) => {
      if (args.channel !== "UMANAGER" || failed) return undefined;
      failed = true;
      return { ok: false, error: "internal_error" };
    });
    await catchUpMissedDigest(h.bot.deps);
    await h.slack.waitFor(() => failed);
    await digestJobsSettled(h.tdb.db);
    expect(await catchUpMissedDigest(h.bot.deps)).toEqual({ ran: false, reason: "today's digest was planned" });
    const retry = await h.tdb.db.job.findFirstOrThrow({ where: { kind: DIGEST_DELIVER_JOB, dedupeKey: { endsWith: "UMANAGER" } } });
    expect(retry).toMatchObject({ status: "queued", attempts: 1, lastError: expect.stringContaining("internal_error") });
    expect(h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === CHANNEL)).toHaveLength(1);
  });

  it("does nothing on a fresh installation (no digest has ever run): the first one goes out on schedule", async () => {
    expect(await catchUpMissedDigest(h.bot.deps)).toEqual({ ran: false, reason: "no digest has run on this installation yet" });
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("does nothing before today's scheduled time (cron firing only on another weekday)", async () => {
    await sentYesterday();
    const tomorrow = new Date(`${addDays(todayUtc(), 1)}T12:00:00Z`).getUTCDay();
    const deps = { ...h.bot.deps, config: { ...h.bot.deps.config, digest: { ...h.bot.deps.config.digest, cron: `0 0 * * ${tomorrow}` } } };
    expect(await catchUpMissedDigest(deps)).toEqual({ ran: false, reason: "today's digest is not due yet" });
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("schedules(deps) registers the digest at DIGEST_CRON in DIGEST_TZ", () => {
    const [s, ...rest] = schedules(h.bot.deps);
    expect(rest).toHaveLength(0);
    expect(s).toMatchObject({ name: "digest", cron: "0 0 * * *", tz: "UTC" });
  });
});
