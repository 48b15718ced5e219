import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { catchUpMissedDigest } from "../../src/features/digests/digest-run.js";
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
  await h.tdb.db.$executeRaw`DELETE FROM wl_job_run`;
  h.slack.reset();
});

/** A digest that went out yesterday: the installation is live. */
async function sentYesterday() {
  await h.tdb.db.jobRun.create({
    data: {
      job: "digest", runKey: addDays(todayUtc(), -1), destination: "", status: "done",
      detail: { today: addDays(todayUtc(), -1), red: [], yellow: [], since: null, undelivered: [] },
    },
  });
}

describe("missed-digest catch-up on start", () => {
  it("sends today's missed digest once when a replica comes back after the scheduled time", async () => {
    await sentYesterday();
    const first = await catchUpMissedDigest(h.bot.deps, { pollMs: 50 });
    expect(first).toMatchObject({ ran: true, reason: "sent today's missed digest" });
    expect(first.report!.delivered.sort()).toEqual([CHANNEL, "UADMIN", "UMANAGER"]);
    expect(h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === CHANNEL)).toHaveLength(1);

    // A second replica starting later the same day sends nothing more.
    const second = await catchUpMissedDigest(h.bot.deps, { pollMs: 50 });
    expect(second).toEqual({ ran: false, reason: "today's digest was sent" });
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(3);
  });

  it("onStart runs the catch-up (in the background, not holding up start-up)", async () => {
    await sentYesterday();
    await onStart(h.bot.deps);
    await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === CHANNEL, 10_000);
    // Let the background run finish before the next test clears its rows.
    for (let i = 0; i < 100; i++) {
      const rows = await h.tdb.db.jobRun.findMany({ where: { job: "digest", runKey: todayUtc() } });
      if (rows.length === 4 && rows.every((r) => r.status === "done")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await h.tdb.db.jobRun.count({ where: { job: "digest", runKey: todayUtc(), status: "done" } })).toBe(4);
  });

  it("resumes today's unfinished digest on start", async () => {
    await sentYesterday();
    let failed = false;
    h.slack.on("chat.postMessage", (args) => (args.channel === "UMANAGER" && !failed ? ((failed = true), { ok: false, error: "internal_error" }) : undefined));
    const { report } = await catchUpMissedDigest(h.bot.deps, { pollMs: 50 });
    expect(report!.failed).toHaveLength(1);
    const again = await catchUpMissedDigest(h.bot.deps, { pollMs: 50 });
    expect(again).toMatchObject({ ran: true, reason: "resumed today's unfinished digest" });
    expect(again.report!.delivered).toEqual(["UMANAGER"]);
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
