import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KnownBlock } from "@slack/types";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { fireDigest } from "../helpers/digest-jobs.js";
import { addDays, fromDbDate, toDbDate } from "../../src/lib/dates.js";
import { formatDay } from "../../src/features/digests/digest-blocks.js";
import { seedCreators, todayUtc } from "../integration/digest-seed.js";

// /wl digest, /wl digest now and the digest's buttons, through signed requests to the real bot.

const CHANNEL = "C0DIGEST";
let h: Harness;
let snoozeMe: string;
let contactMe: string;
let yellow: string;

beforeAll(async () => {
  h = await startHarness({ DIGEST_CHANNEL: CHANNEL, DIGEST_TZ: "UTC" });
  await grantRoles(h, { UMANAGER: "manager", USTAFF: "staff" });
  snoozeMe = (await seedCreators(h.tdb.db, "RED", 1, { followUpOverdue: true, prefix: "Snooze", priority: 1 }))[0]!;
  contactMe = (await seedCreators(h.tdb.db, "RED", 1, { prefix: "Contact", priority: 2 }))[0]!;
  yellow = (await seedCreators(h.tdb.db, "YELLOW", 1, { prefix: "Mellow" }))[0]!;
  await seedCreators(h.tdb.db, "RED", 1, { status: "PAUSED", prefix: "Paused" });
  await seedCreators(h.tdb.db, "GREEN", 2);
});
afterAll(async () => {
  await h?.close();
});

const rowIds = (blocks: unknown) => (blocks as KnownBlock[]).flatMap((b) => (b.block_id?.startsWith("dg_row:") ? [b.block_id.slice(7)] : []));
const channelTops = () => h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === CHANNEL && !c.args.thread_ts);

describe("/wl digest", () => {
  it("previews the digest for the caller only (ephemeral, staff may), RED first, PAUSED left out, and posts nothing", async () => {
    const { responseUrl } = await h.command("USTAFF", "digest");
    const answer = await answerTo(h, responseUrl);
    expect(answer.response_type).toBe("ephemeral");
    expect(rowIds(answer.blocks)).toEqual([snoozeMe, contactMe, yellow]);
    const text = JSON.stringify(answer.blocks);
    expect(text).toContain("Preview: only you can see this");
    expect(text).toContain("follow-up overdue by 10 days");
    expect(text).toContain("no contact for 40 days");
    expect(text).not.toContain("Paused Brand");
    // Nothing posted anywhere (the only DMs so far are the role grants).
    expect(h.slack.callsTo("chat.postMessage").filter((c) => JSON.stringify(c.args).includes("health digest"))).toHaveLength(0);
    expect(await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", targetDisplay: "/wl digest", actionType: "VIEW" } })).toBe(1);
  });

  it("`now` is refused to staff (audited), and nothing is posted", async () => {
    const { responseUrl } = await h.command("USTAFF", "digest now");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/needs the \*manager\* role/);
    expect(channelTops()).toHaveLength(0);
    expect(await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", targetDisplay: "/wl digest now", notes: { contains: "refused" } } })).toBe(1);
  });

  it("answers bad arguments with the usage line", async () => {
    const { responseUrl } = await h.command("UMANAGER", "digest tomorrow <!channel>");
    const text = String((await answerTo(h, responseUrl)).text);
    expect(text).toContain("/wl digest now");
    expect(text).not.toContain("<!channel>");
  });

  it("`now` (manager) posts to DIGEST_CHANNEL marked as on demand, and does not consume the scheduled run", async () => {
    const { responseUrl } = await h.command("UMANAGER", "digest now");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/Posted the digest to <#C0DIGEST>: 3 creators in 1 message/);
    const [post] = channelTops();
    expect(JSON.stringify(post!.args.blocks)).toContain("(posted on demand by <@UMANAGER>)");
    expect(post!.args.text).toContain("posted on demand by <@UMANAGER>");
    expect(await h.tdb.db.jobRun.count()).toBe(0);
    expect(await h.tdb.db.auditLog.count({ where: { slackUserId: "UMANAGER", targetModel: "HealthDigest", actionType: "CREATE" } })).toBe(1);

    const report = await fireDigest(h.bot.deps, new Date());
    expect(report.delivered).toContain(CHANNEL);
    expect(channelTops()).toHaveLength(2);
    expect(JSON.stringify(channelTops()[1]!.args.blocks)).not.toContain("posted on demand");
  });
});

describe("the digest's buttons", () => {
  /** The scheduled digest message in the channel, as Slack would send it back with a click. */
  async function digestMessage() {
    const row = await h.tdb.db.jobRun.findFirstOrThrow({ where: { job: "digest", destination: CHANNEL } });
    const ts = (row.detail as { parts: string[] }).parts[0]!;
    const post = channelTops().at(-1)!;
    return { ts, text: String(post.args.text), blocks: post.args.blocks as KnownBlock[] };
  }
  const click = async (user: string, actionId: string, value: string, msg: { ts: string; text: string; blocks: KnownBlock[] }) =>
    h.action(
      user,
      { action_id: actionId, value, block_id: `dg_act:${value}` },
      {
        message: { type: "message", ts: msg.ts, text: msg.text, blocks: msg.blocks },
        channel: { id: CHANNEL, name: "digest" },
        container: { type: "message", message_ts: msg.ts, channel_id: CHANNEL, is_ephemeral: false },
      },
    );

  it("Snooze 3 days: the creator leaves the digests until the snooze ends, its overdue follow-up moves to today + 3, audited in one transaction; the row says who and until when", async () => {
    const msg = await digestMessage();
    const before = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: snoozeMe } });
    await click("USTAFF", "digest_snooze", snoozeMe, msg);
    const update = await h.slack.waitForCall("chat.update");

    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: snoozeMe } });
    const until = addDays(todayUtc(), 3);
    expect(fromDbDate(after.nextFollowUpDate)).toBe(until);
    expect(after.healthScore).toBe("GREEN");
    const snooze = await h.tdb.db.creatorSnooze.findUniqueOrThrow({ where: { creatorId: snoozeMe } });
    expect({ until: fromDbDate(snooze.until), by: snooze.snoozedBy }).toEqual({ until, by: "USTAFF" });
    const audit = await h.tdb.db.auditLog.findMany({ where: { targetId: snoozeMe, slackUserId: "USTAFF" } });
    const change = audit.find((a) => a.notes?.includes("Snooze 3 days"))!;
    expect(change.actionType).toBe("UPDATE");
    expect(change.changes).toEqual({ snoozed_until: { from: null, to: until }, next_follow_up_date: { from: fromDbDate(before.nextFollowUpDate), to: until } });
    const health = audit.find((a) => (a.changes as Record<string, unknown>).health_score)!;
    expect(health.changes).toEqual({ health_score: { from: "RED", to: "GREEN" } });
    // xmin is the id of the transaction that wrote a row: one value means one transaction.
    const xmins = await h.tdb.db.$queryRaw<{ x: string }[]>`
      SELECT xmin::text AS x FROM studio_crm_auditlog WHERE id = ANY(${[change.id, health.id]}::uuid[])
      UNION SELECT xmin::text FROM studio_crm_creator WHERE id = ${snoozeMe}::uuid
      UNION SELECT xmin::text FROM wl_creator_snooze WHERE creator_id = ${snoozeMe}::uuid`;
    expect(xmins).toHaveLength(1);

    expect(update.args).toMatchObject({ channel: CHANNEL, ts: msg.ts });
    const blocks = update.args.blocks as KnownBlock[];
    expect(blocks).toHaveLength(msg.blocks.length);
    const i = blocks.findIndex((b) => b.block_id === `dg_row:${snoozeMe}`);
    expect(JSON.stringify(blocks[i])).toContain(`Snoozed by <@USTAFF> until *${formatDay(until)}*`);
    expect(JSON.stringify(blocks[i + 1])).not.toContain("digest_snooze");
    // The rest of the digest is untouched.
    expect(blocks.filter((_, j) => j !== i && j !== i + 1)).toEqual(msg.blocks.filter((_, j) => j !== i && j !== i + 1));

    expect(rowIds((await answerTo(h, (await h.command("USTAFF", "digest")).responseUrl)).blocks)).not.toContain(snoozeMe);
  });

  it("Snooze on a creator whose follow-up is later than today + 3 never pulls it earlier (was: 2026-12-15 became 2026-12-07), and the creator still leaves the digests", async () => {
    const [later] = await seedCreators(h.tdb.db, "RED", 1, { prefix: "Later" });
    const far = addDays(todayUtc(), 11);
    await h.tdb.db.creator.update({ where: { id: later! }, data: { nextFollowUpDate: toDbDate(far) } });
    const { responseUrl } = await h.action("USTAFF", { action_id: "digest_snooze", value: later! });
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/Snoozed by <@USTAFF> until/);
    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: later! } });
    expect(fromDbDate(after.nextFollowUpDate)).toBe(far);
    expect(after.healthScore).toBe("RED"); // no contact for 40 days: still RED, but snoozed

    // Out of the digest until the snooze ends, and back on the day it ends.
    const until = addDays(todayUtc(), 3);
    const preview = async () => answerTo(h, (await h.command("USTAFF", "digest")).responseUrl);
    const next = await preview();
    expect(rowIds(next.blocks)).not.toContain(later);
    expect(JSON.stringify(next.blocks)).toMatch(/\*\d+\* snoozed/);
    try {
      h.clock.set(`${addDays(todayUtc(), 2)}T12:00:00Z`);
      expect(rowIds((await preview()).blocks)).not.toContain(later);
      h.clock.set(`${until}T12:00:00Z`);
      expect(rowIds((await preview()).blocks)).toContain(later);
    } finally {
      h.clock.set(new Date());
    }
    // A second snooze (someone else, the same day) does not shorten or re-attribute it.
    const again = await h.action("UMANAGER", { action_id: "digest_snooze", value: later! });
    expect(String((await answerTo(h, again.responseUrl)).text)).toMatch(/Snoozed by <@USTAFF> until .*already snoozed/);
    expect((await h.tdb.db.creatorSnooze.findUniqueOrThrow({ where: { creatorId: later! } })).snoozedBy).toBe("USTAFF");
  });

  it("race: two snoozes of one creator at once leave one snooze, ending today + 3, and one audited change", async () => {
    const [both] = await seedCreators(h.tdb.db, "YELLOW", 1, { prefix: "Both" });
    const clicks = await Promise.all(["USTAFF", "UMANAGER"].map((u) => h.action(u, { action_id: "digest_snooze", value: both! })));
    const texts = await Promise.all(clicks.map((c) => answerTo(h, c.responseUrl).then((a) => String(a.text))));
    expect(texts.filter((t) => t.includes("already snoozed"))).toHaveLength(1);
    expect(fromDbDate((await h.tdb.db.creatorSnooze.findUniqueOrThrow({ where: { creatorId: both! } })).until)).toBe(addDays(todayUtc(), 3));
    const rows = await h.tdb.db.auditLog.findMany({ where: { targetId: both!, notes: { contains: "Snooze 3 days" } } });
    const until = addDays(todayUtc(), 3);
    expect(rows.map((r) => r.changes)).toEqual(
      expect.arrayContaining([{ snoozed_until: { from: null, to: until }, next_follow_up_date: { from: null, to: until } }, {}]),
    );
  });

  it("Snooze with a forged id of an archived or unknown creator changes nothing", async () => {
    const [archived] = await seedCreators(h.tdb.db, "RED", 1, { prefix: "Archived" });
    await h.tdb.db.creator.update({ where: { id: archived! }, data: { isActive: false } });
    const a = await h.action("USTAFF", { action_id: "digest_snooze", value: archived! });
    expect(String((await answerTo(h, a.responseUrl)).text)).toMatch(/archived, so it is not in digests/);
    const gone = await h.action("USTAFF", { action_id: "digest_snooze", value: "00000000-0000-4000-8000-000000000000" });
    expect(String((await answerTo(h, gone.responseUrl)).text)).toMatch(/no longer exists/);
    expect(await h.tdb.db.creatorSnooze.count({ where: { creatorId: { in: [archived!, "00000000-0000-4000-8000-000000000000"] } } })).toBe(0);
  });

  it("Mark contacted: last contacted today, audited, recomputed, and the updated message keeps the earlier change", async () => {
    const first = h.slack.callsTo("chat.update").at(-1)!;
    const msg = { ...(await digestMessage()), blocks: first.args.blocks as KnownBlock[] };
    const before = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: contactMe } });
    const n = h.slack.callsTo("chat.update").length;
    await click("UMANAGER", "digest_contacted", contactMe, msg);
    const update = await h.slack.waitFor(() => h.slack.callsTo("chat.update")[n]);

    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: contactMe } });
    expect(fromDbDate(after.lastContactedDate)).toBe(todayUtc());
    expect(after.healthScore).toBe("GREEN");
    const change = await h.tdb.db.auditLog.findFirstOrThrow({ where: { targetId: contactMe, slackUserId: "UMANAGER", notes: { contains: "Mark contacted" } } });
    expect(change.changes).toEqual({ last_contacted_date: { from: fromDbDate(before.lastContactedDate), to: todayUtc() } });
    const text = JSON.stringify(update.args.blocks);
    expect(text).toContain("Marked contacted by <@UMANAGER>");
    expect(text).toContain("Snoozed by <@USTAFF> until");
  });

  it("on a private preview (no message to update) the clicker is told what was done", async () => {
    const { responseUrl } = await h.action("USTAFF", { action_id: "digest_snooze", value: yellow });
    const answer = await answerTo(h, responseUrl);
    expect(String(answer.text)).toMatch(/Snoozed by <@USTAFF> until/);
    expect(fromDbDate((await h.tdb.db.creatorSnooze.findUniqueOrThrow({ where: { creatorId: yellow } })).until)).toBe(addDays(todayUtc(), 3));
  });

  it("refuses people without a role and stale button values, changing nothing", async () => {
    const before = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: yellow } });
    const refused = await h.action("UNOBODY", { action_id: "digest_contacted", value: yellow });
    expect(String((await answerTo(h, refused.responseUrl)).text)).toMatch(/ask an admin/i);
    const stale = await h.action("USTAFF", { action_id: "digest_contacted", value: "not-a-uuid" });
    expect(String((await answerTo(h, stale.responseUrl)).text)).toMatch(/out of date/);
    const gone = await h.action("USTAFF", { action_id: "digest_contacted", value: "00000000-0000-4000-8000-000000000000" });
    expect(String((await answerTo(h, gone.responseUrl)).text)).toMatch(/no longer exists/);
    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: yellow } });
    expect(after.lastContactedDate).toEqual(before.lastContactedDate);
  });
});
