import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { daysAgo, formValues, waitUntil, initialValues, openedModal, seedCreator, submitNew, validNew, type OpenedView } from "../helpers/creators.js";
import { EDIT_COLUMNS } from "../../src/features/creators/creator-fns.js";
import { startBot } from "../../src/bot.js";
import { captureLogger } from "../helpers/logs.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", USTAFF2: "staff" });
});
afterAll(async () => {
  await h?.close();
});

const userId = async (email: string) => (await h.tdb.db.authUser.findFirstOrThrow({ where: { email } })).id;
const cardDm = (user: string, brand: string) =>
  h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === user && JSON.stringify(c.args.blocks ?? "").includes(brand));

/** A gate a fake Slack answer waits at until the test opens it. */
function gate(): { open: () => void; passed: Promise<void> } {
  let open = () => {};
  const passed = new Promise<void>((r) => {
    open = r;
  });
  return { open, passed };
}

describe("/wl new and the New creator modal", () => {
  it("opens the modal with the trigger_id: the essentials only (issue 17), block_id = action_id = column", async () => {
    const from = h.slack.calls.length;
    const { triggerId } = await h.command("USTAFF", "new");
    const call = await h.slack.waitFor(() => h.slack.calls.slice(from).find((c) => c.method === "views.open"));
    expect(call.args.trigger_id).toBe(triggerId);
    const view = call.args.view as OpenedView;
    expect(view.callback_id).toBe("creator_new");
    const inputs = view.blocks.filter((b) => b.type === "input") as { block_id: string; element: { action_id: string } }[];
    // Name, email, brand, niche, status, priority; the rest is behind the card's More details.
    expect(inputs.map((b) => b.block_id)).toEqual(["creator_name", "creator_email", "brand_name", "brand_niche", "journey_status", "priority_level"]);
    for (const b of inputs) expect(b.element.action_id).toBe(b.block_id);
    expect(JSON.stringify(view.blocks)).toContain("More details");
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    await waitUntil(async () => (await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", targetDisplay: "/wl new" } })) === 1);
  });

  it("creates the creator, computes its health in the same transaction, audits CREATE and DMs the card", async () => {
    const before = Date.now();
    const res = await submitNew(h, "USTAFF", validNew({ next_follow_up_date: daysAgo(10).toISOString().slice(0, 10) }));
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
    const c = await h.tdb.db.creator.findUniqueOrThrow({ where: { creatorEmail: "jo@maker.test" } });
    const sam = await userId("sam@studio.test");
    expect(c).toMatchObject({
      creatorName: "Jo Maker",
      brandName: "Maker Studio",
      journeyStatus: "ONBOARDING",
      priorityLevel: 2,
      healthScore: "RED",
      instagramHandle: "@maker",
      tiktokHandle: "@maker.tok",
      creatorTimezone: "Europe/London",
      primaryCommunicationChannel: "Slack",
      createdById: sam,
      lastUpdatedById: sam,
      isActive: true,
      brandDescription: "Handmade goods\nfor everyone",
    });
    expect(c.tags).toEqual(["VIP", "Launch-Ready"]);
    expect(c.customFields).toEqual({ revenue_target_monthly: 50000 });
    expect(c.otherSocialLinks).toEqual({ pinterest: "https://pinterest.com/maker" });
    expect(c.lastStatusChange.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const rows = await h.tdb.db.auditLog.findMany({ where: { targetId: c.id }, orderBy: { timestamp: "asc" } });
    const create = rows.find((r) => r.actionType === "CREATE")!;
    expect(create).toMatchObject({ userId: sam, slackUserId: "USTAFF", targetModel: "Creator", targetDisplay: "Maker Studio (Jo Maker)" });
    expect((create.changes as Record<string, unknown>).health_score).toBe("RED");
    expect((create.changes as Record<string, unknown>).creator_email).toBe("jo@maker.test");
    const dm = await cardDm("USTAFF", "Maker Studio");
    expect(JSON.stringify(dm.args.blocks)).toContain("follow-up overdue by 10 days");
  });

  it("uses the column defaults when optional fields are empty", async () => {
    const res = await submitNew(h, "USTAFF", {
      creator_name: "Min Imal",
      creator_email: "min@imal.test",
      brand_name: "Minimal",
      brand_niche: "Less",
      journey_status: null,
      priority_level: null,
    });
    expect(res.body).toBeNull();
    const c = await h.tdb.db.creator.findUniqueOrThrow({ where: { creatorEmail: "min@imal.test" } });
    expect(c).toMatchObject({
      journeyStatus: "ONBOARDING",
      priorityLevel: 3,
      creatorTimezone: "UTC",
      primaryCommunicationChannel: "Email",
      healthScore: "GREEN",
      creatorPhone: null,
    });
    expect(c.tags).toEqual([]);
    expect(c.customFields).toEqual({});
  });

  it.each([
    ["bad email", { creator_email: "not-an-email" }, "creator_email"],
    ["bad URL", { brand_website: "javascript:alert(1)" }, "brand_website"],
    ["schemeless URL", { linkedin_profile: "linkedin.com/in/jo" }, "linkedin_profile"],
    ["bad JSON", { custom_fields: "{revenue: 5" }, "custom_fields"],
    ["JSON array for an object", { custom_fields: "[1,2]" }, "custom_fields"],
    ["social link that is not a URL", { other_social_links: '{"discord": "ftp://x.test"}' }, "other_social_links"],
    ["bad handle", { instagram_handle: "@no spaces!" }, "instagram_handle"],
    ["bad phone", { creator_phone: "call me maybe" }, "creator_phone"],
    ["too long for the seed column", { brand_name: "x".repeat(201) }, "brand_name"],
    ["missing required", { brand_niche: "  " }, "brand_niche"],
    ["unknown time zone", { creator_timezone: "Mars/Olympus" }, "creator_timezone"],
    ["unknown status", { journey_status: "DONE" }, "journey_status"],
  ])("refuses %s inline on its block and saves nothing", async (_name, over, block) => {
    const before = await h.tdb.db.creator.count();
    const res = await submitNew(h, "USTAFF", validNew({ creator_email: `inline-${block}@x.test`, ...over }));
    expect(res.status).toBe(200);
    const body = res.body as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(Object.keys(body.errors)).toEqual([block]);
    expect(body.errors[block]!.length).toBeGreaterThan(0);
    expect(await h.tdb.db.creator.count()).toBe(before);
  });

  it("reports several bad fields at once and audits the rejected submission without values", async () => {
    const res = await submitNew(h, "USTAFF2", validNew({ creator_email: "nope", brand_website: "ftp://x.test", tags: "x".repeat(51) }));
    const body = res.body as { errors: Record<string, string> };
    expect(Object.keys(body.errors).sort()).toEqual(["brand_website", "creator_email", "tags"]);
    const row = await h.tdb.db.auditLog.findFirstOrThrow({ where: { slackUserId: "USTAFF2", targetDisplay: "New creator form" } });
    expect(row.actionType).toBe("VIEW");
    expect(row.notes).toMatch(/refused.*creator_email/);
    expect(row.notes).not.toContain("ftp://");
  });

  it("refuses a duplicate email (any case) inline on creator_email", async () => {
    const before = await h.tdb.db.creator.count();
    const res = await submitNew(h, "USTAFF", validNew({ creator_email: "JO@Maker.test", brand_name: "Copycat" }));
    expect(res.body).toMatchObject({ response_action: "errors", errors: { creator_email: expect.stringMatching(/already exists/) } });
    expect(await h.tdb.db.creator.count()).toBe(before);
  });

  it("race: three submissions with one new email at once create one creator; each other one hears why, inline or after the ack", async () => {
    const fields = validNew({ creator_email: "race@maker.test", brand_name: "Race Brand" });
    // Three people, so each answer is in its own DM.
    await grantRoles(h, { UMANAGER: "manager" });
    const results = await Promise.all([submitNew(h, "USTAFF", fields), submitNew(h, "USTAFF2", fields), submitNew(h, "UMANAGER", fields)]);
    expect(results.every((r) => r.status === 200)).toBe(true);
    // Who lost decides how: before the winner committed, the ack's check passed and the create's
    // own check refused after the ack; after it, the form kept its inline error.
    const created = results.filter((r) => r.body === null && /Created \*Race Brand\*/.test(r.answer ?? ""));
    const toldLate = results.filter((r) => r.body === null && /Nothing was saved: a creator with the email \*race@maker.test\*/.test(r.answer ?? ""));
    const inline = results.filter((r) => (r.body as { errors?: Record<string, string> } | null)?.errors?.creator_email);
    expect(created).toHaveLength(1);
    expect(toldLate.length + inline.length).toBe(2);
    expect(await h.tdb.db.creator.count({ where: { creatorEmail: "race@maker.test" } })).toBe(1);
  });

  it("race: the ack does not wait for the create; a duplicate committed in between is answered after it, and nothing is saved", async () => {
    // Someone else's insert of the same email, not yet committed: the ack's check cannot see it,
    // and the bot's insert waits on the unique index until it commits.
    const other = await h.tdb.pool.connect();
    try {
      await other.query("BEGIN");
      await other.query(
        `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, brand_name, brand_niche, journey_status, health_score, last_status_change)
         VALUES (gen_random_uuid(), now(), now(), 'First', 'late@dupe.test', 'First Brand', 'x', 'ONBOARDING', 'GREEN', now())`,
      );
      const from = h.slack.calls.length;
      const res = await h.submit("UADMIN", {
        callback_id: "creator_new",
        values: formValues(validNew({ creator_email: "late@dupe.test", brand_name: "Second" })),
      });
      // The form closed (empty ack) while the create is still blocked.
      expect(res).toEqual({ status: 200, body: null });
      await waitUntil(async () => {
        const { rows } = await h.tdb.pool.query(
          "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ~ 'INSERT INTO (\"public\"\\.)?\"?studio_crm_creator\\M'",
        );
        return rows.length > 0;
      });
      // The answer is held up in Slack: until it is taken, the stored submission stays this
      // replica's unfinished job (a crash now leaves it to another replica to answer).
      const { open: release, passed: answered } = gate();
      h.slack.on("chat.postMessage", async (args) => {
        if (String(args.text).startsWith("Nothing was saved")) await answered;
        return undefined;
      });
      await other.query("COMMIT");
      const dm = await h.slack.waitFor(() => h.slack.calls.slice(from).find((c) => c.method === "chat.postMessage" && c.args.channel === "UADMIN"));
      expect(String(dm.args.text)).toMatch(/Nothing was saved: a creator with the email \*late@dupe.test\* was added just before yours/);
      const job = () =>
        h.tdb.db.$queryRaw<{ status: string }[]>`SELECT status FROM wl_job WHERE kind = 'creator.new' AND payload->'form'->>'creator_email' = 'late@dupe.test'`;
      expect(await job()).toEqual([{ status: "running" }]);
      release();
      await waitUntil(async () => (await job())[0]?.status === "done");
    } finally {
      h.slack.on("chat.postMessage", () => undefined);
      await other.query("ROLLBACK").catch(() => undefined);
      other.release();
    }
    expect(await h.tdb.db.creator.findMany({ where: { creatorEmail: "late@dupe.test" }, select: { brandName: true } })).toEqual([{ brandName: "First Brand" }]);
    // UADMIN's first refusal of this form: refusals are throttled per person and form.
    const refusal = await h.tdb.db.auditLog.findFirstOrThrow({
      where: { slackUserId: "UADMIN", targetDisplay: "New creator form" },
      orderBy: { chainSeq: "desc" },
    });
    expect(refusal.notes).toMatch(/refused.*already in use/);
  });

  it("a submission that cannot be stored before the ack keeps the form open saying nothing was saved (fails closed)", async () => {
    // The job table locked by someone else: the store waits out its statement timeout and fails.
    const other = await h.tdb.pool.connect();
    try {
      await other.query("BEGIN");
      await other.query("LOCK TABLE wl_job IN ACCESS EXCLUSIVE MODE");
      const res = await h.submit("USTAFF", { callback_id: "creator_new", values: formValues(validNew({ creator_email: "unstored@maker.test" })) });
      expect(res.body).toEqual({
        response_action: "errors",
        errors: { creator_name: "I couldn't save this just now, so nothing was saved. Please press Create again in a moment." },
      });
    } finally {
      await other.query("ROLLBACK").catch(() => undefined);
      other.release();
    }
    expect(await h.tdb.db.creator.count({ where: { creatorEmail: "unstored@maker.test" } })).toBe(0);
    expect(await h.tdb.db.$queryRaw`SELECT 1 FROM wl_job WHERE payload->'form'->>'creator_email' = 'unstored@maker.test'`).toEqual([]);
  });

  it("slow Slack: while its bot is still answering a stored submission, a replica does not take it over (one answer, one attempt)", async () => {
    // A replica quick to presume owners dead; the answer takes three times that long to post.
    const replica = await startBot(h.config, captureLogger().logger, { host: "127.0.0.1", schedules: false, jobs: { pollMs: 100, staleAfterMs: 1_000 } });
    h.slack.on("chat.postMessage", async (args) => {
      if (String(args.text).includes("Slow Brand")) await new Promise((r) => setTimeout(r, 3_000));
      return undefined;
    });
    try {
      const from = h.slack.calls.length;
      const res = await h.submit("USTAFF", {
        callback_id: "creator_new",
        values: formValues(validNew({ creator_email: "slow@slack.test", brand_name: "Slow Brand" })),
      });
      expect(res.body).toBeNull();
      const job = () =>
        h.tdb.db.$queryRaw<{ status: string; attempts: number }[]>`
          SELECT status, attempts FROM wl_job WHERE kind = 'creator.new' AND payload->'form'->>'creator_email' = 'slow@slack.test'`;
      await waitUntil(async () => (await job())[0]?.status === "done", 10_000);
      expect(await job()).toEqual([{ status: "done", attempts: 1 }]);
      const answers = h.slack.calls.slice(from).filter((c) => c.method === "chat.postMessage" && String(c.args.text).includes("Created *Slow Brand*"));
      expect(answers).toHaveLength(1);
    } finally {
      h.slack.on("chat.postMessage", () => undefined);
      await replica.stop({ graceMs: 3_000 });
    }
  });

  it("a slow Slack answer holds up no one else's create: while every finishing slot waits on Slack, the next submission's creator is made", async () => {
    // As many submissions as creates may run at once, each stalled in its answer to Slack.
    const slots = h.config.databasePoolMax;
    const { open: release, passed: stalled } = gate();
    h.slack.on("chat.postMessage", async (args) => {
      if (String(args.text).includes("Stalled Brand")) await stalled;
      return undefined;
    });
    try {
      for (let i = 0; i < slots; i++) {
        const res = await h.submit("USTAFF", {
          callback_id: "creator_new",
          values: formValues(validNew({ creator_email: `stalled${i}@maker.test`, brand_name: `Stalled Brand ${i}` })),
        });
        expect(res.body).toBeNull();
      }
      await waitUntil(async () => (await h.tdb.db.creator.count({ where: { brandName: { startsWith: "Stalled Brand" } } })) === slots);
      const next = await h.submit("USTAFF", {
        callback_id: "creator_new",
        values: formValues(validNew({ creator_email: "unstalled@maker.test", brand_name: "Unstalled Brand" })),
      });
      expect(next.body).toBeNull();
      await waitUntil(async () => (await h.tdb.db.creator.count({ where: { creatorEmail: "unstalled@maker.test" } })) === 1, 5_000);
    } finally {
      release();
      h.slack.on("chat.postMessage", () => undefined);
    }
  });

  it("a create that fails after the ack is retried from the stored submission: first 'taking longer', then the card", async () => {
    const email = "flaky@maker.test";
    await h.tdb.db.$executeRawUnsafe(
      `CREATE FUNCTION wl_test_flaky() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.creator_email = '${email}' THEN RAISE EXCEPTION 'flaky storage'; END IF; RETURN NEW; END $$`,
    );
    await h.tdb.db.$executeRawUnsafe("CREATE TRIGGER wl_test_flaky BEFORE INSERT ON studio_crm_creator FOR EACH ROW EXECUTE FUNCTION wl_test_flaky()");
    try {
      const first = await submitNew(h, "USTAFF", validNew({ creator_email: email, brand_name: "Flaky Brand" }));
      expect(first.answer).toContain("Saving *Flaky Brand* is taking longer than it should");
      expect(await h.tdb.db.creator.count({ where: { creatorEmail: email } })).toBe(0);
    } finally {
      await h.tdb.db.$executeRawUnsafe("DROP TRIGGER wl_test_flaky ON studio_crm_creator");
      await h.tdb.db.$executeRawUnsafe("DROP FUNCTION wl_test_flaky()");
    }
    // Due now rather than after the backoff; any replica's worker (here the harness's) retries it.
    await h.tdb.db
      .$executeRaw`UPDATE wl_job SET run_at = now() WHERE kind = 'creator.new' AND status = 'queued' AND payload->'form'->>'creator_email' = ${email}`;
    await cardDm("USTAFF", "Flaky Brand");
    expect(await h.tdb.db.creator.count({ where: { creatorEmail: email } })).toBe(1);
    // The worker answers before it marks the job done (a crash in between re-answers, never loses the answer).
    const job = () =>
      h.tdb.db.$queryRaw<{ status: string; attempts: number }[]>`
        SELECT status, attempts FROM wl_job WHERE kind = 'creator.new' AND payload->'form'->>'creator_email' = ${email}`;
    await waitUntil(async () => (await job())[0]?.status === "done", 10_000);
    expect(await job()).toEqual([{ status: "done", attempts: 2 }]);
  });

  it("garbage, huge and unicode-heavy form values get inline errors or clean rows, never a 5xx or partial row", async () => {
    const before = await h.tdb.db.creator.count();
    const cases: Record<string, string | null>[] = [
      { creator_name: "\u0000\u0000" },
      { creator_name: "Nul\u0000Name", brand_name: "Nul\u0000Brand" },
      { custom_fields: '{"a": "\\u0000"}' },
      { custom_fields: '{"a": "\\ud800"}' },
      { custom_fields: JSON.stringify({ a: { b: { c: { d: { e: { f: 1 } } } } } }) },
      { internal_notes: "🙂".repeat(3001) },
      { brand_tagline: "e\u0301".repeat(300) },
      { tags: Array.from({ length: 30 }, (_, i) => `t${i}`).join(",") },
      { other_social_links: "x".repeat(5000) },
    ];
    for (const [i, over] of cases.entries()) {
      const res = await submitNew(h, "USTAFF", validNew({ creator_email: `garbage${i}@x.test`, brand_name: `Garbage ${i}`, ...over }));
      expect(res.status, JSON.stringify(over).slice(0, 80)).toBe(200);
      expect(JSON.stringify(res.body ?? "")).not.toMatch(/at .*\.ts:\d+|Prisma|invalid byte/i);
    }
    // Only the NUL-in-name case is storable (NUL stripped); every other one was refused inline.
    const created = await h.tdb.db.creator.findMany({ where: { creatorEmail: { startsWith: "garbage" } } });
    expect(created.map((c) => c.brandName)).toEqual(["NulBrand"]);
    expect(await h.tdb.db.creator.count()).toBe(before + 1);
  });
});

describe("/wl find, /wl show and references", () => {
  beforeAll(async () => {
    await seedCreator(h, { brandName: "Glow Up", creatorName: "Gina Glow", creatorEmail: "gina@glow.test", instagramHandle: "@ginaglows", tags: ["VIP"] });
    await seedCreator(h, { brandName: "Glow Down", creatorName: "Dana Dim", creatorEmail: "dana@dim.test" });
    await seedCreator(h, { brandName: "100% Organic_Farm", creatorName: "Olly", creatorEmail: "olly@farm.test", isActive: false });
  });

  it("finds case-insensitively over brand, name, email and handles, with an Open button each, audited as VIEW", async () => {
    for (const [q, expected] of [
      ["GLOW", ["Glow Down", "Glow Up"]],
      ["ginaglows", ["Glow Up"]],
      ["DIM.TEST", ["Glow Down"]],
      ["olly", ["100% Organic_Farm"]],
    ] as const) {
      const { responseUrl } = await h.command("USTAFF", `find ${q}`);
      const a = await answerTo(h, responseUrl);
      const blocks = a.blocks as { accessory?: { action_id: string; value: string } }[];
      const opens = blocks.filter((b) => b.accessory?.action_id === "creator_open");
      expect(opens, q).toHaveLength(expected.length);
      for (const name of expected) expect(JSON.stringify(a)).toContain(name.replace("%", "%"));
    }
    const row = await waitUntil(() => h.tdb.db.auditLog.findFirst({ where: { slackUserId: "USTAFF", targetDisplay: "/wl find GLOW" } }));
    expect(row).toMatchObject({ actionType: "VIEW", notes: "2 matched" });
  });

  it("treats % and _ literally and marks archived creators", async () => {
    const a = JSON.stringify(await answerTo(h, (await h.command("USTAFF", "find 100%")).responseUrl));
    expect(a).toContain("Organic_Farm");
    expect(a).toContain("_archived_");
    const none = JSON.stringify(await answerTo(h, (await h.command("USTAFF", "find %_%")).responseUrl));
    expect(none).toMatch(/No creator/);
  });

  it("lists candidates with Open when a reference is ambiguous, and Open shows the card", async () => {
    const a = await answerTo(h, (await h.command("USTAFF", "show glow")).responseUrl);
    const blocks = a.blocks as { accessory?: { action_id: string; value: string; text: { text: string } } }[];
    const opens = blocks.filter((b) => b.accessory?.action_id === "creator_open");
    expect(opens).toHaveLength(2);
    expect(opens[0]!.accessory!.text.text).toBe("Open");
    const gina = await h.tdb.db.creator.findUniqueOrThrow({ where: { creatorEmail: "gina@glow.test" } });
    const { responseUrl } = await h.action("USTAFF", { action_id: "creator_open", value: gina.id });
    const card = JSON.stringify(await answerTo(h, responseUrl));
    expect(card).toContain("Glow Up — Gina Glow");
    await waitUntil(async () => (await h.tdb.db.auditLog.count({ where: { targetId: gina.id, actionType: "VIEW", slackUserId: "USTAFF" } })) === 1);
  });

  it("treats % and _ in a reference literally (exact and partial), and in the duplicate-email check", async () => {
    const card = JSON.stringify(await answerTo(h, (await h.command("USTAFF", "show 100%")).responseUrl));
    expect(card).toContain("100% Organic_Farm — Olly");
    const none = JSON.stringify(await answerTo(h, (await h.command("USTAFF", "show g_o%")).responseUrl));
    expect(none).toMatch(/No creator matches/);
    await seedCreator(h, { brandName: "Under Score", creatorEmail: "un_der@score.test" });
    const res = await submitNew(h, "USTAFF", validNew({ creator_email: "unXder@score.test", brand_name: "Not A Dupe" }));
    expect(res.body).toBeNull();
  });

  it("an exact match wins over partial ones", async () => {
    const card = JSON.stringify(await answerTo(h, (await h.command("USTAFF", "show glow up")).responseUrl));
    expect(card).toContain("Glow Up — Gina Glow");
    const none = JSON.stringify(await answerTo(h, (await h.command("USTAFF", "show nobody-like-this")).responseUrl));
    expect(none).toMatch(/No creator matches/);
  });

  it("shows the card: status, health with reasons, priority, follow-up, open milestones by date, tags, and the buttons", async () => {
    const c = await seedCreator(h, {
      brandName: "Card Brand",
      creatorName: "Cora Card",
      priorityLevel: 1,
      journeyStatus: "LAUNCH",
      healthScore: "RED",
      lastContactedDate: daysAgo(40),
      nextFollowUpDate: daysAgo(-3),
      tags: ["VIP", "<!channel>"],
    });
    for (let i = 0; i < 7; i++) {
      await h.tdb.db.milestone.create({ data: { creatorId: c.id, title: `Milestone ${i}`, targetDate: daysAgo(5 - i), relatedJourneyStage: "LAUNCH" } });
    }
    await h.tdb.db.milestone.create({
      data: { creatorId: c.id, title: "Done one", isCompleted: true, targetDate: daysAgo(50), relatedJourneyStage: "LAUNCH" },
    });
    const a = await answerTo(h, (await h.command("USTAFF", "show Card Brand")).responseUrl);
    expect(a.response_type).toBe("ephemeral");
    const s = JSON.stringify(a);
    for (const part of [
      "Card Brand — Cora Card",
      "*Journey status*\\nLaunch",
      "RED",
      "no contact for 40 days",
      "1 (highest)",
      "(in 3 days)",
      "Open milestones (7)",
      "Milestone 0",
      "…and 2 more",
      "VIP",
    ]) {
      expect(s, part).toContain(part);
    }
    expect(s).not.toContain("Done one");
    expect(s.indexOf("Milestone 0")).toBeLessThan(s.indexOf("Milestone 4"));
    expect(s).not.toContain("<!channel>");
    const actions = (a.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string }; confirm?: unknown }[] }[]).find(
      (b) => b.type === "actions",
    )!;
    expect(actions.elements!.map((e) => [e.text.text, e.action_id])).toEqual([
      ["More details", "creator_edit"],
      ["Status", "creator_status"],
      ["Add milestone", "milestone_add"],
      ["Milestones", "creator_milestones"],
      ["Credentials", "creator_credentials"],
      ["Deliverable", "creator_deliverable"],
      ["Archive", "creator_archive"],
    ]);
    expect(actions.elements!.every((e) => e.value === c.id)).toBe(true);
    expect(actions.elements!.find((e) => e.action_id === "creator_archive")!.confirm).toBeTruthy();
    // Admins also get Delete, behind a confirm dialog.
    const admin = await answerTo(h, (await h.command("UADMIN", "show Card Brand")).responseUrl);
    const del = (admin.blocks as { type: string; elements?: { action_id: string; confirm?: unknown }[] }[])
      .find((b) => b.type === "actions")!
      .elements!.find((e) => e.action_id === "creator_delete");
    expect(del?.confirm).toBeTruthy();
    await waitUntil(async () => (await h.tdb.db.auditLog.count({ where: { targetId: c.id, actionType: "VIEW" } })) === 2);
  });

  it("answers garbage, huge and unicode-heavy command text with a clear answer, never a stack trace", async () => {
    const texts = [
      "find",
      "find    ",
      `find ${"a".repeat(5000)}`,
      "find \u0000\u0000",
      "find 🙂🙂🙂",
      `find ${"e\u0301".repeat(60)}`,
      "show",
      `show ${"🙂".repeat(3000)}`,
      "show <!channel>",
      "show a\u0000b",
      "status a\u0000b LIVE",
      "archive \ud800x",
      "show %",
      "show _",
      "show \u202Eevil",
      "edit",
      "edit ???",
      "status",
      "status glow",
      "status glow up NOPE",
      `status ${"x".repeat(3000)} LIVE`,
      "archive",
      "list FOO",
      "list tag:",
      `list tag:${"x".repeat(60)}`,
      "list RED RED",
      "list a b c d",
      "find %",
      "show 00000000-0000-0000-0000-000000000000",
    ];
    for (const t of texts) {
      const { status, responseUrl } = await h.command("USTAFF", t);
      expect(status, t).toBe(200);
      const a = JSON.stringify(await answerTo(h, responseUrl));
      expect(a, t).not.toMatch(/Something went wrong|at .*\.ts:\d+|Error:/);
      expect(a, t).not.toContain("<!channel>");
      expect(a.length, t).toBeLessThan(20_000);
    }
  });

  it("refuses people without a role", async () => {
    const a = await answerTo(h, (await h.command("UNOBODY", "find glow")).responseUrl);
    expect(String(a.text)).toMatch(/ask an admin for access/i);
  });
});

describe("/wl edit and the Edit creator modal", () => {
  it("opens a loading view at once, fills it with the current values, and saves only what changed", async () => {
    const c = await h.tdb.db.creator.findUniqueOrThrow({ where: { creatorEmail: "jo@maker.test" } });
    const from = h.slack.calls.length;
    const { triggerId } = await h.command("USTAFF2", "edit jo@maker.test");
    const open = await h.slack.waitForCall("views.open", (x) => x.args.trigger_id === triggerId);
    expect((open.args.view as OpenedView).callback_id).toBe("loading");
    const view = await openedModal(h, from, "creator_edit");
    const initial = initialValues(view);
    expect(Object.keys(initial).sort()).toEqual([...EDIT_COLUMNS].sort());
    expect(initial).toMatchObject({ creator_name: "Jo Maker", instagram_handle: "@maker", priority_level: "2", tags: "VIP, Launch-Ready" });
    // JSON columns are shown as the lines the form asks for.
    expect(initial.custom_fields).toBe("revenue_target_monthly: 50000");
    expect(initial.other_social_links).toBe("pinterest: https://pinterest.com/maker");

    const res = await h.submit("USTAFF2", {
      callback_id: "creator_edit",
      private_metadata: view.private_metadata,
      values: formValues({ ...initial, brand_tagline: "Made by many hands", priority_level: "4", tags: "VIP" }),
    });
    expect(res.body).toBeNull();
    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toMatchObject({ brandTagline: "Made by many hands", priorityLevel: 4, lastUpdatedById: await userId("sky@studio.test") });
    expect(after.tags).toEqual(["VIP"]);
    const upd = await h.tdb.db.auditLog.findFirstOrThrow({ where: { targetId: c.id, actionType: "UPDATE", slackUserId: "USTAFF2" } });
    expect(upd.changes).toEqual({
      brand_tagline: { from: "Made by hand", to: "Made by many hands" },
      priority_level: { from: 2, to: 4 },
      tags: { from: ["VIP", "Launch-Ready"], to: ["VIP"] },
    });
    await cardDm("USTAFF2", "Saved: brand_tagline, priority_level, tags");
  });

  it("an edit that changes nothing writes nothing", async () => {
    const c = await h.tdb.db.creator.findUniqueOrThrow({ where: { creatorEmail: "jo@maker.test" } });
    const from = h.slack.calls.length;
    await h.action("USTAFF", { action_id: "creator_edit", value: c.id });
    const view = await openedModal(h, from, "creator_edit");
    await waitUntil(
      async () => (await h.tdb.db.auditLog.count({ where: { targetId: c.id, notes: "opened the Edit creator form", slackUserId: "USTAFF" } })) > 0,
    );
    const audits = await h.tdb.db.auditLog.count();
    const res = await h.submit("USTAFF", { callback_id: "creator_edit", private_metadata: view.private_metadata, values: formValues(initialValues(view)) });
    expect(res.body).toBeNull();
    // Re-typed but equal values (tags spelled differently) are no change either.
    const res2 = await h.submit("USTAFF", {
      callback_id: "creator_edit",
      private_metadata: view.private_metadata,
      values: formValues({ ...initialValues(view), tags: " VIP ,vip" }),
    });
    expect(res2.body).toBeNull();
    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.updatedAt).toEqual(c.updatedAt);
    // No change row; each handled submission still leaves its VIEW row saying nothing changed.
    // The VIEW row is written after the ack (the modal closes first): wait for both.
    await waitUntil(async () => (await h.tdb.db.auditLog.count()) >= audits + 2);
    const rows = await h.tdb.db.auditLog.findMany({ orderBy: { chainSeq: "asc" }, skip: audits });
    expect(rows.map((r) => [r.actionType, r.targetId, r.notes])).toEqual([
      ["VIEW", c.id, "Edit creator form submitted; nothing changed"],
      ["VIEW", c.id, "Edit creator form submitted; nothing changed"],
    ]);
  });

  it("does not overwrite a field someone else changed while this modal was open", async () => {
    const c = await h.tdb.db.creator.findUniqueOrThrow({ where: { creatorEmail: "jo@maker.test" } });
    const from = h.slack.calls.length;
    await h.action("USTAFF", { action_id: "creator_edit", value: c.id });
    const view = await openedModal(h, from, "creator_edit");
    await h.tdb.db.creator.update({ where: { id: c.id }, data: { creatorPhone: "+1 555 0100 200" } });
    const res = await h.submit("USTAFF", {
      callback_id: "creator_edit",
      private_metadata: view.private_metadata,
      values: formValues({ ...initialValues(view), creator_location: "Leeds, UK" }),
    });
    expect(res.body).toBeNull();
    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toMatchObject({ creatorPhone: "+1 555 0100 200", creatorLocation: "Leeds, UK" });
  });

  it("validates edits with the same rules (bad URL, duplicate email) and saves nothing", async () => {
    const c = await h.tdb.db.creator.findUniqueOrThrow({ where: { creatorEmail: "jo@maker.test" } });
    const from = h.slack.calls.length;
    await h.action("USTAFF", { action_id: "creator_edit", value: c.id });
    const view = await openedModal(h, from, "creator_edit");
    const bad = await h.submit("USTAFF", {
      callback_id: "creator_edit",
      private_metadata: view.private_metadata,
      values: formValues({ ...initialValues(view), brand_website: "data:text/html,hi", creator_email: "MIN@imal.test" }),
    });
    expect(bad.body).toMatchObject({ response_action: "errors", errors: { brand_website: expect.any(String) } });
    const dup = await h.submit("USTAFF", {
      callback_id: "creator_edit",
      private_metadata: view.private_metadata,
      values: formValues({ ...initialValues(view), creator_email: "MIN@imal.test" }),
    });
    expect(dup.body).toMatchObject({ response_action: "errors", errors: { creator_email: expect.stringMatching(/already exists/) } });
    const after = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.updatedAt).toEqual(c.updatedAt);
  });

  it("ignores a crafted journey_status in an edit submission (status changes go through /wl status)", async () => {
    const c = await h.tdb.db.creator.findUniqueOrThrow({ where: { creatorEmail: "min@imal.test" } });
    await h.submit("USTAFF", { callback_id: "creator_edit", private_metadata: JSON.stringify({ id: c.id }), values: formValues({ journey_status: "CLOSED" }) });
    expect((await h.tdb.db.creator.findUniqueOrThrow({ where: { id: c.id } })).journeyStatus).toBe("ONBOARDING");
  });

  it("tells the person when the creator is gone instead of crashing", async () => {
    const from = h.slack.calls.length;
    const { responseUrl } = await h.action("USTAFF", { action_id: "creator_edit", value: "11111111-1111-4111-8111-111111111111" });
    const view = await h.slack.waitFor(() => h.slack.calls.slice(from).find((c) => c.method === "views.update"));
    expect(JSON.stringify(view.args.view)).toMatch(/no longer exists/);
    // Said once, in the modal; the refusal is audited against the id that was clicked.
    await waitUntil(
      async () => (await h.tdb.db.auditLog.count({ where: { targetId: "11111111-1111-4111-8111-111111111111", notes: { startsWith: "refused" } } })) === 1,
    );
    expect(h.slack.responses.some((r) => responseUrl.endsWith(r.id))).toBe(false);
    for (const value of ["not-a-uuid", "", "'; DROP TABLE studio_crm_creator; --"]) {
      const text = JSON.stringify(await answerTo(h, (await h.action("USTAFF", { action_id: "creator_open", value })).responseUrl));
      expect(text).toMatch(/out of date/);
    }
    const res = await h.submit("USTAFF", { callback_id: "creator_edit", private_metadata: "not json", values: formValues({ brand_name: "x" }) });
    expect(res.body).toMatchObject({ response_action: "errors" });
  });
});
