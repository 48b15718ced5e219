import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KnownBlock } from "@slack/types";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { digestJobsSettled, fireDigest } from "../helpers/digest-jobs.js";
import { createDb, type Db } from "../../src/db.js";
import { enqueueJob } from "../../src/jobs/jobs-service.js";
import { enqueueDuePersonalDigests, PERSONAL_DIGEST_JOB } from "../../src/features/digest-settings/personal-digest.js";
import { createDigestSettingsService } from "../../src/features/digest-settings/settings-service.js";
import { seedCreators, todayUtc } from "../integration/digest-seed.js";

// `/wl digest settings`, the card's Follow button and the personal digest, end to end: the real
// bot on a fresh database, Slack faked over HTTP.

const CHANNEL = "C0DIGEST";
let h: Harness;
let db: Db;
const pools: Db[] = [];

beforeAll(async () => {
  h = await startHarness({ DIGEST_CHANNEL: CHANNEL, DIGEST_TZ: "UTC", DIGEST_CRON: "30 8 * * 1-5" });
  db = h.tdb.db;
  await grantRoles(h, { UMANAGER: "manager", USTAFF: "staff" });
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.$disconnect()));
  await h?.close();
});
beforeEach(async () => {
  await digestJobsSettled(db);
  await db.$executeRaw`DELETE FROM wl_job WHERE kind LIKE 'digests.%'`;
  await db.$executeRaw`DELETE FROM wl_job_run`;
  await db.$executeRaw`DELETE FROM wl_digest_subscription`;
  await db.$executeRaw`DELETE FROM wl_creator_follow`;
  await db.creator.deleteMany();
  h.slack.reset();
  h.clock.set(new Date());
});

type View = { callback_id?: string; blocks: { type: string; block_id?: string; element?: Record<string, unknown> }[] };

/** Opens the settings modal as `user` and returns the form it became. */
async function openSettings(user: string): Promise<View> {
  await h.command(user, "digest settings");
  const call = await h.slack.waitForCall("views.update", (c) => (c.args.view as View).callback_id === "digest_settings");
  return call.args.view as View;
}

const values = (v: { time?: string | null; tz?: string | null; scope?: string | null; enabled?: string | null }) => ({
  digest_time: { digest_time: { type: "timepicker", selected_time: v.time ?? null } },
  digest_tz: { digest_tz: { type: "plain_text_input", value: v.tz ?? null } },
  digest_scope: { digest_scope: { type: "radio_buttons", selected_option: v.scope ? { value: v.scope } : null } },
  digest_enabled: { digest_enabled: { type: "radio_buttons", selected_option: v.enabled ? { value: v.enabled } : null } },
});

const saveSettings = (user: string, v: Parameters<typeof values>[0]) => h.submit(user, { callback_id: "digest_settings", values: values(v) });

/** Digests posted to a user's DM (not the bot's other DMs, such as "Saved: …"). */
const dmsTo = (user: string) =>
  h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === user && String(c.args.text).startsWith("Creator health digest"));
const rowIds = (blocks: unknown) => ((blocks ?? []) as KnownBlock[]).flatMap((b) => (b.block_id?.startsWith("dg_row:") ? [b.block_id.slice(7)] : []));
const managerId = async () => (await db.slackUser.findUniqueOrThrow({ where: { slackUserId: "UMANAGER" } })).userId;

describe("/wl digest settings", () => {
  it("opens for a manager with DIGEST_CRON's time and the time zone on their Slack profile", async () => {
    h.slack.on("users.info", (args) =>
      args.user === "UMANAGER"
        ? { ok: true, user: { id: "UMANAGER", team_id: "T0TEST", name: "mia", tz: "America/Chicago", profile: { email: "mia@studio.test" } } }
        : undefined,
    );
    const view = await openSettings("UMANAGER");
    const el = (id: string) => view.blocks.find((b) => b.block_id === id)?.element ?? {};
    expect(el("digest_time")).toMatchObject({ type: "timepicker", action_id: "digest_time", initial_time: "08:30" });
    expect(el("digest_tz")).toMatchObject({ type: "plain_text_input", initial_value: "America/Chicago" });
    expect(el("digest_scope")).toMatchObject({ type: "radio_buttons", initial_option: { value: "all" } });
    expect(el("digest_enabled")).toMatchObject({ type: "radio_buttons", initial_option: { value: "on" } });
  });

  it("is refused to staff, and the refusal is audited", async () => {
    const { responseUrl } = await h.command("USTAFF", "digest settings");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/needs the \*manager\* role/);
    expect(h.slack.callsTo("views.open")).toHaveLength(0);
  });

  it("keeps the modal open with inline errors for a bad time zone and a missing time; nothing is saved", async () => {
    const res = await saveSettings("UMANAGER", { time: null, tz: "Atlantis/Capital", scope: "all", enabled: "on" });
    expect(res.body).toMatchObject({ response_action: "errors", errors: { digest_time: expect.any(String), digest_tz: expect.stringMatching(/time zone/) } });
    expect(await db.digestSubscription.count()).toBe(0);
  });

  it("saves (audited), says so by DM, and shows the saved values next time", async () => {
    const res = await saveSettings("UMANAGER", { time: "07:15", tz: "europe/berlin", scope: "followed", enabled: "on" });
    expect(res.status).toBe(200);
    const row = await db.digestSubscription.findUniqueOrThrow({ where: { userId: await managerId() } });
    expect([row.time, row.tz, row.scope, row.enabled]).toEqual(["07:15", "Europe/Berlin", "followed", true]);
    const audit = await db.auditLog.findFirstOrThrow({ where: { targetModel: "DigestSubscription", slackUserId: "UMANAGER" } });
    expect([audit.actionType, audit.targetId]).toEqual(["CREATE", row.id]);
    await h.slack.waitFor(() => h.slack.callsTo("chat.postMessage").find((c) => String(c.args.text).includes("07:15")));

    await saveSettings("UMANAGER", { time: "07:15", tz: "Europe/Berlin", scope: "all", enabled: "off" });
    const update = await db.auditLog.findFirstOrThrow({ where: { targetModel: "DigestSubscription", actionType: "UPDATE" } });
    expect(update.changes).toEqual({ scope: { from: "followed", to: "all" }, enabled: { from: true, to: false } });

    const view = await openSettings("UMANAGER");
    expect(view.blocks.find((b) => b.block_id === "digest_enabled")?.element).toMatchObject({ initial_option: { value: "off" } });
  });

  it("a forged submission from staff saves nothing", async () => {
    await saveSettings("USTAFF", { time: "07:15", tz: "UTC", scope: "all", enabled: "on" });
    expect(await db.digestSubscription.count()).toBe(0);
  });
});

describe("Follow on the creator card", () => {
  const follows = async () => db.creatorFollow.findMany({ where: { userId: await managerId() } });

  it("shows Follow to managers (not staff); a double click is one row, audited; Unfollow removes it", async () => {
    const [id] = await seedCreators(db, "RED", 1);
    const card = async (user: string) => {
      const { responseUrl } = await h.action(user, { action_id: "creator_open", value: id! });
      return JSON.stringify((await answerTo(h, responseUrl)).blocks);
    };
    expect(await card("USTAFF")).not.toContain("creator_follow");
    expect(await card("UMANAGER")).toContain('"action_id":"creator_follow"');

    const clicks = await Promise.all([1, 2].map(() => h.action("UMANAGER", { action_id: "creator_follow", value: id! })));
    const answers = await Promise.all(clicks.map((c) => answerTo(h, c.responseUrl)));
    expect(await follows()).toHaveLength(1);
    expect(answers.every((a) => JSON.stringify(a.blocks).includes('"action_id":"creator_unfollow"'))).toBe(true);
    // The card, opened again, is read for its viewer: Unfollow for this manager, Follow for another.
    expect(await card("UMANAGER")).toContain('"action_id":"creator_unfollow"');
    expect(await card("UADMIN")).toContain('"action_id":"creator_follow"');
    const rows = await db.auditLog.findMany({ where: { targetId: id!, slackUserId: "UMANAGER", actionType: "UPDATE" } });
    expect(rows.filter((r) => String(r.notes).startsWith("followed"))).toHaveLength(1);

    const un = await h.action("UMANAGER", { action_id: "creator_unfollow", value: id! });
    expect(JSON.stringify((await answerTo(h, un.responseUrl)).blocks)).toContain('"action_id":"creator_follow"');
    expect(await follows()).toHaveLength(0);
  });

  it("a forged creator id is refused and stores nothing; staff cannot follow", async () => {
    const [id] = await seedCreators(db, "RED", 1);
    const forged = await h.action("UMANAGER", { action_id: "creator_follow", value: randomUUID() });
    expect(String((await answerTo(h, forged.responseUrl)).text)).toMatch(/no longer exists/);
    const junk = await h.action("UMANAGER", { action_id: "creator_follow", value: "'; DROP TABLE wl_creator_follow; --" });
    await answerTo(h, junk.responseUrl);
    const staff = await h.action("USTAFF", { action_id: "creator_follow", value: id! });
    expect(String((await answerTo(h, staff.responseUrl)).text)).toMatch(/manager/);
    expect(await db.creatorFollow.count()).toBe(0);
  });
});

describe("the personal digest", () => {
  /** A replica's clock: its own pool, the bot's queue and time. */
  function replicaClock() {
    const own = createDb(h.tdb.appUrl, { max: 2 });
    pools.push(own);
    return () =>
      enqueueDuePersonalDigests(
        { db: own, jobs: { enqueue: (tx, spec) => enqueueJob(tx, spec, "replica"), cancel: async () => false }, clock: h.clock },
        createDigestSettingsService({ db: own }),
      );
  }

  it("race: two replicas' clocks fire at once for a due manager: one job, one DM", async () => {
    await seedCreators(db, "RED", 2);
    h.clock.set(`${todayUtc()}T10:00:00Z`);
    await saveSettings("UMANAGER", { time: "09:45", tz: "UTC", scope: "all", enabled: "on" });
    h.slack.reset();
    const [a, b] = [replicaClock(), replicaClock()];
    const stored = await Promise.all([a(), b(), a(), b()]);
    expect(stored.reduce((x, y) => x + y, 0)).toBe(1);
    expect(await db.job.count({ where: { kind: PERSONAL_DIGEST_JOB } })).toBe(1);
    await digestJobsSettled(db);
    // A tick later the same day stores nothing more.
    h.clock.set(`${todayUtc()}T18:00:00Z`);
    expect(await a()).toBe(0);
    await digestJobsSettled(db);
    expect(dmsTo("UMANAGER")).toHaveLength(1);
    expect(rowIds(dmsTo("UMANAGER")[0]!.args.blocks)).toHaveLength(2);
    // The 14-day chart, once, as a PNG in the digest's thread.
    const complete = h.slack.callsTo("files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args).toMatchObject({ channel_id: dmsTo("UMANAGER")[0]!.args.channel, thread_ts: expect.any(String) });
    expect(h.slack.uploads).toHaveLength(1);
  });

  it("is not due before the manager's local time, nor when turned off", async () => {
    h.clock.set(`${todayUtc()}T10:00:00Z`);
    await saveSettings("UMANAGER", { time: "10:30", tz: "UTC", scope: "all", enabled: "on" });
    expect(await replicaClock()()).toBe(0);
    await saveSettings("UMANAGER", { time: "09:00", tz: "UTC", scope: "all", enabled: "off" });
    expect(await replicaClock()()).toBe(0);
    expect(await db.job.count({ where: { kind: PERSONAL_DIGEST_JOB } })).toBe(0);
  });

  it("scope followed: the DM lists only the creators the manager follows", async () => {
    const red = await seedCreators(db, "RED", 3);
    const yellow = await seedCreators(db, "YELLOW", 2);
    for (const id of [red[1]!, yellow[0]!]) await answerTo(h, (await h.action("UMANAGER", { action_id: "creator_follow", value: id })).responseUrl);
    h.clock.set(`${todayUtc()}T10:00:00Z`);
    await saveSettings("UMANAGER", { time: "00:00", tz: "UTC", scope: "followed", enabled: "on" });
    h.slack.reset();
    expect(await replicaClock()()).toBe(1);
    await digestJobsSettled(db);
    const dm = dmsTo("UMANAGER");
    expect(dm).toHaveLength(1);
    expect(rowIds(dm[0]!.args.blocks)).toEqual([red[1], yellow[0]]);
    expect(JSON.stringify(dm[0]!.args.blocks)).toContain("creators you follow");
  });

  it("a manager on their own schedule is left out of the channel digest's DMs; others keep them", async () => {
    await seedCreators(db, "RED", 1);
    await saveSettings("UMANAGER", { time: "23:59", tz: "UTC", scope: "all", enabled: "on" });
    const report = await fireDigest(h.bot.deps);
    expect(report.delivered.sort()).toEqual([CHANNEL, "UADMIN"]);
    expect(dmsTo("UMANAGER")).toHaveLength(0);
    expect(dmsTo("UADMIN")).toHaveLength(1);
    // Each destination's digest carries the 14-day chart once, in its thread.
    expect(
      h.slack
        .callsTo("files.completeUploadExternal")
        .map((c) => c.args.channel_id)
        .sort(),
    ).toEqual([CHANNEL, "UADMIN"]);
  });
});
