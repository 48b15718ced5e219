import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import type { KnownBlock } from "@slack/types";
import { grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { createDb, type Db } from "../../src/db.js";
import { runScheduledDigest } from "../../src/features/digests/digest-run.js";
import { addDays, toDbDate } from "../../src/lib/dates.js";
import { seedCreators, todayUtc } from "./digest-seed.js";

// The scheduled digest against a real Postgres, Slack faked at HTTP. Destinations:
// C0DIGEST (DIGEST_CHANNEL), UADMIN and UMANAGER by DM (admins hold every manager right).

const CHANNEL = "C0DIGEST";
const DESTS = [CHANNEL, "UADMIN", "UMANAGER"];
const fast = { pollMs: 50, staleAfterMs: 60_000 };

let h: Harness;
let db: Db;
beforeAll(async () => {
  h = await startHarness({ DIGEST_CHANNEL: CHANNEL, DIGEST_TZ: "UTC" });
  db = h.tdb.db;
  await grantRoles(h, { UMANAGER: "manager", USTAFF: "staff" });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await db.$executeRaw`DELETE FROM wl_job_run`;
  await db.creator.deleteMany();
  h.slack.reset();
});
afterEach(() => {
  nock.cleanAll();
});

const posts = (ch: string) => h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === ch);
const tops = (ch: string) => posts(ch).filter((c) => !c.args.thread_ts);
const rowIds = (blocks: unknown) => (blocks as KnownBlock[]).flatMap((b) => (b.block_id?.startsWith("dg_row:") ? [b.block_id.slice(7)] : []));
const jobRows = () => db.jobRun.findMany({ where: { job: "digest" }, orderBy: { destination: "asc" } });
/** Fails the first thread reply to the channel for good (a platform error, not retried). */
function failSecondPartOnce() {
  let failed = false;
  h.slack.on("chat.postMessage", (args) => {
    if (args.channel === CHANNEL && args.thread_ts && !failed) {
      failed = true;
      return { ok: false, error: "internal_error" };
    }
    return undefined;
  });
}

describe("exactly once", () => {
  it("replica race: five schedulers firing at once on one database post one digest per destination", async () => {
    // Stored scores are stale (GREEN): only the recompute-first step puts them in the digest.
    const red = await seedCreators(db, "RED", 30, { stored: "GREEN" });
    const yellow = await seedCreators(db, "YELLOW", 30, { stored: "GREEN" });
    await seedCreators(db, "GREEN", 5);
    const auditBefore = await db.auditLog.count({ where: { targetModel: "Creator" } });

    const others = Array.from({ length: 4 }, () => createDb(h.tdb.appUrl, { max: 3 }));
    try {
      const replicas = [h.bot.deps, ...others.map((o) => ({ ...h.bot.deps, db: o }))];
      const firedAt = new Date();
      const reports = await Promise.all(replicas.map((d) => runScheduledDigest(d, firedAt, fast)));

      expect(reports.flatMap((r) => r.delivered).sort()).toEqual([...DESTS].sort());
      expect(reports.flatMap((r) => r.failed)).toEqual([]);
    } finally {
      await Promise.all(others.map((o) => o.$disconnect()));
    }

    for (const dest of DESTS) {
      expect(tops(dest), dest).toHaveLength(1);
      const all = posts(dest);
      expect(all).toHaveLength(3); // 60 creators: 3 parts
      // The rest are replies in the first message's thread, and together they list everyone once.
      expect(all.slice(1).every((c) => c.args.thread_ts && typeof c.args.thread_ts === "string")).toBe(true);
      const shown = all.flatMap((c) => rowIds(c.args.blocks));
      expect(new Set(shown).size).toBe(60);
      expect(shown.slice(0, 30).sort()).toEqual([...red].sort()); // RED first
      expect(shown.slice(30).sort()).toEqual([...yellow].sort());
    }
    const rows = await jobRows();
    expect(rows.map((r) => [r.destination, r.status, r.attempts])).toEqual([
      ["", "done", 1],
      [CHANNEL, "done", 1],
      ["UADMIN", "done", 1],
      ["UMANAGER", "done", 1],
    ]);
    expect((rows[1]!.detail as { parts: string[] }).parts).toHaveLength(3);
    // Health was recomputed once, before the digest: one audited score change per creator.
    expect((await db.auditLog.count({ where: { targetModel: "Creator" } })) - auditBefore).toBe(60);

    // A later firing the same day posts nothing.
    const again = await runScheduledDigest(h.bot.deps, new Date(), fast);
    expect(again.delivered).toEqual([]);
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(9);
  });

  it("crash and resume: a part that fails for good is recorded; the next run posts only the missing parts", async () => {
    await seedCreators(db, "RED", 60);
    failSecondPartOnce();

    const first = await runScheduledDigest(h.bot.deps, new Date(), fast);
    expect(first.failed).toEqual([{ destination: CHANNEL, error: "internal_error" }]);
    expect(first.delivered.sort()).toEqual(["UADMIN", "UMANAGER"]); // not blocked by the channel
    const row = (await jobRows()).find((r) => r.destination === CHANNEL)!;
    expect(row.status).toBe("failed");
    expect(row.error).toBe("internal_error");
    expect((row.detail as { parts: string[] }).parts).toHaveLength(1);
    expect(h.logs.text()).toMatch(/digest could not be delivered.*C0DIGEST|C0DIGEST.*digest could not be delivered/);
    const rootTs = (row.detail as { parts: string[] }).parts[0]!;
    const before = posts(CHANNEL).length; // 1 posted + 1 failed

    const second = await runScheduledDigest(h.bot.deps, new Date(), fast);
    expect(second.delivered).toEqual([CHANNEL]);
    const resumed = posts(CHANNEL).slice(before);
    expect(resumed).toHaveLength(2); // parts 2 and 3 only
    expect(resumed.every((c) => c.args.thread_ts === rootTs)).toBe(true);
    expect(tops(CHANNEL)).toHaveLength(1);
    expect(posts("UADMIN")).toHaveLength(3);
    // Every creator reached the channel exactly once across both runs.
    const okCalls = posts(CHANNEL).filter((c, i) => i !== 1);
    expect(new Set(okCalls.flatMap((c) => rowIds(c.args.blocks))).size).toBe(60);
    const done = (await jobRows()).find((r) => r.destination === CHANNEL)!;
    expect([done.status, done.attempts, (done.detail as { parts: string[] }).parts.length]).toEqual(["done", 2, 3]);
  });

  it("a replica that died mid-post (claim left running) is finished by a surviving replica once its claim goes stale", async () => {
    await seedCreators(db, "RED", 60);
    failSecondPartOnce();
    await runScheduledDigest(h.bot.deps, new Date(), fast);
    // As if the holder were still mid-post: running, claimed just now.
    await db.$executeRaw`UPDATE wl_job_run SET status = 'running', error = NULL, completed_at = NULL, claimed_at = now() WHERE destination = ${CHANNEL}`;
    const before = posts(CHANNEL).length;

    const started = Date.now();
    const report = await runScheduledDigest(h.bot.deps, new Date(), { pollMs: 100, staleAfterMs: 1_500 });
    // Not taken over while fresh; taken over (conditional UPDATE) once stale.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(report.delivered).toEqual([CHANNEL]);
    expect(posts(CHANNEL).slice(before)).toHaveLength(2);
    const row = (await jobRows()).find((r) => r.destination === CHANNEL)!;
    expect([row.status, row.attempts]).toEqual(["done", 2]);
  });
});

describe("Slack faults", () => {
  it("retries 429 (honouring Retry-After) and 500 with backoff, and posts once (nock)", async () => {
    await seedCreators(db, "RED", 3);
    const scope = nock(h.slack.url, { allowUnmocked: true })
      .post("/api/chat.postMessage")
      .reply(429, { ok: false, error: "ratelimited" }, { "Retry-After": "1" })
      .post("/api/chat.postMessage")
      .reply(500, "upstream broke");
    const started = Date.now();
    const report = await runScheduledDigest(h.bot.deps, new Date(), fast);
    expect(scope.isDone()).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(report.delivered.sort()).toEqual([...DESTS].sort());
    // Both faults were on the first call (the channel); it reached Slack once, then the DMs.
    expect(h.slack.callsTo("chat.postMessage").map((c) => c.args.channel)).toEqual(DESTS);
  });

  it("retries a burst of 429s with Retry-After (FakeSlack)", async () => {
    await seedCreators(db, "YELLOW", 2);
    h.slack.on("chat.postMessage", (_args, n) => (n < 3 ? { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } } : undefined));
    const report = await runScheduledDigest(h.bot.deps, new Date(), fast);
    expect(report.failed).toEqual([]);
    expect(tops(CHANNEL)).toHaveLength(3); // two refused, one accepted
    expect(tops("UADMIN")).toHaveLength(1);
    expect((await jobRows()).every((r) => r.status === "done")).toBe(true);
  });

  it("a destination failing for good (500 every time) is recorded and logged, does not block the others, and is reported in the next digest's header with the change since", async () => {
    const [gone, stays] = await seedCreators(db, "RED", 2, { prefix: "Old" });
    await seedCreators(db, "YELLOW", 1);
    h.slack.on("chat.postMessage", (args) => (args.channel === "UMANAGER" ? { status: 500, body: "down" } : undefined));

    const day1 = await runScheduledDigest(h.bot.deps, new Date(), fast);
    expect(day1.delivered.sort()).toEqual([CHANNEL, "UADMIN"]);
    expect(day1.failed).toEqual([{ destination: "UMANAGER", error: "HTTP 500" }]);
    expect(posts("UMANAGER").length).toBe(4); // the client's 3 retries, then given up
    expect((await jobRows()).find((r) => r.destination === "UMANAGER")).toMatchObject({ status: "failed", error: "HTTP 500" });
    expect(h.logs.text()).toContain("digest could not be delivered");

    // Make that yesterday's run, then change the world: one RED recovers, one new RED appears.
    const yesterday = addDays(todayUtc(), -1);
    await db.$executeRaw`UPDATE wl_job_run SET run_key = ${yesterday}`;
    await db.creator.update({ where: { id: gone! }, data: { lastContactedDate: toDbDate(todayUtc()) } });
    const [fresh] = await seedCreators(db, "RED", 1, { stored: "GREEN", prefix: "New" });
    h.slack.reset();

    await runScheduledDigest(h.bot.deps, new Date(), fast);
    const header = JSON.stringify(tops(CHANNEL)[0]!.args.blocks);
    expect(header).toContain("could not be delivered to <@UMANAGER> (HTTP 500)");
    expect(header).toMatch(/\*1\* new RED · ✅ \*1\* recovered \(Old Brand \d+\)/);
    expect(rowIds(tops(CHANNEL)[0]!.args.blocks)).toEqual(expect.arrayContaining([fresh, stays]));
    expect(rowIds(tops(CHANNEL)[0]!.args.blocks)).not.toContain(gone);
    expect(tops("UMANAGER")).toHaveLength(1); // today it worked
  });
});
