import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, TEAM, type Harness } from "../helpers/bot-harness.js";
import { FakeAnthropic, snapshotOf } from "../helpers/fake-anthropic.js";
import { startBot } from "../../src/bot.js";
import { schedules } from "../../src/features/deliverables/register.js";
import { createDeliverableService, GENERATE_JOB, INTERRUPTED_MESSAGE } from "../../src/features/deliverables/deliverable-service.js";
import { CLAUDE_DEFAULTS, createClaudeClient } from "../../src/features/deliverables/claude-client.js";
import type { Actor } from "../../src/identity/actor.js";
import type { Db } from "../../src/db.js";

// The deliverables feature end to end: the real bot, real Postgres, Slack faked over HTTP and
// Anthropic's Messages API faked over HTTP (ANTHROPIC_BASE_URL), streaming real SSE events.

const API_KEY = "test-anthropic-key-DO-NOT-LEAK-0123456789";
const MODEL = "claude-sonnet-5-5";
const PASSWORD = "Hunter2-Sekrit!pw";
const INTERNAL = "INTERNAL-NOTE: payment disputes, do not share";
const EMAIL = "jane@glow.example";
const PHONE = "+351 900 000 001";

let h: Harness;
let ai: FakeAnthropic;
let creatorId: string;
let ciphertext: string;

async function makeCreator(db: Db, brandName: string, email: string): Promise<string> {
  const c = await db.creator.create({
    data: {
      creatorName: "Jane Doe",
      creatorEmail: email,
      creatorPhone: PHONE,
      creatorLocation: "Lisbon, Portugal",
      brandName,
      brandTagline: "Skin that tells the truth",
      brandNiche: "Clean skincare",
      brandDescription: "Minimal routines for busy people.",
      journeyStatus: "BRAND_BUILDING",
      healthScore: "GREEN",
      lastStatusChange: new Date(Date.now() - 20 * 86_400_000),
      instagramHandle: "@glowco",
      tags: ["VIP", "Launch-Ready"],
      customFields: { content_pillars: ["Routines", "Ingredients"], revenue_target_monthly: 50000 },
      internalNotes: INTERNAL,
      lastContactedDate: new Date(`${new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`),
    },
  });
  await db.milestone.create({
    data: {
      creatorId: c.id,
      title: "Logo final sign-off",
      targetDate: new Date(`${new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`),
      relatedJourneyStage: "BRAND_BUILDING",
    },
  });
  return c.id;
}

const actorOf = (user: string): Promise<Actor> => h.bot.deps.identity.resolve(user, TEAM);
/** For services driven by hand in a test: records get no job, so no worker runs them too. */
const noJobs = { enqueue: async () => null };

/** Waits until every deliverable job has run (the harness's worker polls every 100 ms). */
async function settle(timeoutMs = 25_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await h.tdb.db.job.count({ where: { kind: GENERATE_JOB, status: { in: ["queued", "running"] } } })) > 0) {
    if (Date.now() > end) throw new Error("settle: deliverable jobs still open");
    await new Promise((r) => setTimeout(r, 50));
  }
  await h.bot.jobs.idle();
}
const latest = (cid: string) => h.tdb.db.aiDeliverable.findFirstOrThrow({ where: { creatorId: cid }, orderBy: { createdAt: "desc" } });
const trail = (id: string) =>
  h.tdb.db.auditLog.findMany({
    where: { targetId: id },
    orderBy: [{ timestamp: "asc" }],
    select: { actionType: true, changes: true, userEmail: true, notes: true },
  });

beforeAll(async () => {
  ai = await new FakeAnthropic().start();
  h = await startHarness({ ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: ai.url, ANTHROPIC_MODEL: MODEL });
  await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager" });
  creatorId = await makeCreator(h.tdb.db, "Glow Co", EMAIL);
  ciphertext = h.bot.deps.fernet.encrypt(PASSWORD);
  await h.tdb.db.creatorCredential.create({
    data: {
      creatorId,
      platformName: "Instagram Business",
      accountIdentifier: "glowco",
      password: ciphertext,
      loginUrl: h.bot.deps.fernet.encrypt("https://login.example/secret-path"),
    },
  });
});
afterAll(async () => {
  await settle().catch(() => undefined);
  await h?.close();
  await ai?.stop();
});

describe("/wl deliverable", () => {
  it("writes a report from the creator's data, never its secrets: PENDING → GENERATING → COMPLETED, each audited, sent by DM", async () => {
    ai.defaultReply = {
      text: "# Glow Co — Brand report\n\n## Snapshot\n- **Clean skincare** brand in BRAND_BUILDING.\n\n## Next steps\n1. Sign off the logo.",
    };
    const { responseUrl } = await h.command("USTAFF", "deliverable Glow Co report");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/Working on it.*Brand report.*Glow Co/);
    await settle();

    const row = await latest(creatorId);
    const staff = await h.tdb.db.authUser.findFirstOrThrow({ where: { email: "sam@studio.test" } });
    expect(row).toMatchObject({
      status: "COMPLETED",
      deliverableType: "report",
      aiModel: snapshotOf(MODEL),
      createdById: staff.id,
      errorMessage: null,
      fileUrl: null,
    });
    expect(row.generatedContent).toContain("Sign off the logo");

    // What went to Claude: one streamed request, the template cached, the creator's data in it.
    expect(ai.requests).toHaveLength(1);
    const req = ai.requests[0]!;
    expect(req.body).toMatchObject({ model: MODEL, stream: true, max_tokens: 4096 });
    const system = req.body.system as { text: string; cache_control?: unknown }[];
    expect(system[0]!.text).toMatch(/Wavelaunch Studio/);
    expect(system[1]!.cache_control).toEqual({ type: "ephemeral" });
    const user = JSON.stringify(req.body.messages);
    for (const fact of ["Glow Co", "Clean skincare", "Logo final sign-off", "VIP", "Routines", "overdue", "@glowco", "Lisbon"]) expect(user).toContain(fact);
    // ...and never a secret, the private notes or contact details.
    for (const text of [req.raw, row.promptUsed, JSON.stringify(row.contextData)]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(ciphertext);
      expect(text).not.toContain("secret-path");
      expect(text).not.toContain("INTERNAL-NOTE");
      expect(text).not.toContain(EMAIL);
      expect(text).not.toContain(PHONE);
    }
    // prompt_used is everything that was sent.
    expect(row.promptUsed).toContain(system[0]!.text);
    expect(row.promptUsed).toContain(system[1]!.text);
    expect(row.promptUsed).toContain((req.body.messages as { content: string }[])[0]!.content);

    const rows = await trail(row.id);
    expect(rows.map((r) => r.actionType)).toEqual(["CREATE", "UPDATE", "UPDATE"]);
    expect(rows[0]!.changes).toMatchObject({ status: "PENDING", deliverable_type: "report", creator_id: creatorId });
    expect(rows[1]!.changes).toEqual({ status: { from: "PENDING", to: "GENERATING" } });
    expect(rows[2]!.changes).toEqual({ status: { from: "GENERATING", to: "COMPLETED" }, ai_model: { from: MODEL, to: snapshotOf(MODEL) } });
    expect(rows.every((r) => r.userEmail === "sam@studio.test")).toBe(true);

    const dm = await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && JSON.stringify(c.args.blocks ?? "").includes(row.id));
    const blocks = JSON.stringify(dm.args.blocks);
    expect(blocks).toContain("*Clean skincare*");
    expect(blocks).toContain("deliverable_regenerate");

    // Token usage is logged; the API key and the password are not.
    const logs = h.logs.text();
    expect(logs).toMatch(/claude token usage/);
    expect(logs).toMatch(/"cacheCreationInputTokens":[1-9]/);
    expect(logs).not.toContain(API_KEY);
    expect(logs).not.toContain(PASSWORD);
    expect(h.slack.transcript()).not.toContain(PASSWORD);
  });

  it("takes the type as the last word; a bad type or unknown creator answers and records nothing", async () => {
    const before = await h.tdb.db.aiDeliverable.count();
    const bad = await h.command("USTAFF", "deliverable Glow Co poem");
    expect(String((await answerTo(h, bad.responseUrl)).text)).toMatch(/deliverable type “poem”.*Usage/);
    const none = await h.command("USTAFF", "deliverable Nobody Here report");
    expect(String((await answerTo(h, none.responseUrl)).text)).toMatch(/No creator matches/);
    expect(await h.tdb.db.aiDeliverable.count()).toBe(before);
  });

  it("sends a long result as a Markdown file in the requester's DM and stores its permalink in file_url", async () => {
    const marker = "UNIQUE-CALENDAR-MARKER";
    const long = `# Glow Co — Content calendar\n\n${Array.from({ length: 60 }, (_, i) => `| 2026-12-${String((i % 28) + 1).padStart(2, "0")} | Instagram | Routines | Reel | Idea ${i} ${marker} |`).join("\n")}`;
    expect(long.length).toBeGreaterThan(2_500);
    ai.enqueue({ text: long });
    const { responseUrl } = await h.command("USTAFF", "deliverable glow co content-calendar");
    await answerTo(h, responseUrl);
    await settle();

    const row = await latest(creatorId);
    expect(row.status).toBe("COMPLETED");
    expect(row.generatedContent).toBe(long);
    const get = h.slack.callsTo("files.getUploadURLExternal").at(-1)!;
    expect(String(get.args.filename)).toMatch(/^glow-co-content-calendar-\d{4}-\d{2}-\d{2}\.md$/);
    const done = h.slack.callsTo("files.completeUploadExternal").at(-1)!;
    expect(done.args.channel_id).toBe("DSTAFF"); // the DM conversations.open returned
    const fileId = (done.args.files as { id: string }[])[0]!.id;
    expect(h.slack.uploads.find((u) => u.fileId === fileId)?.body).toContain(marker);
    expect(row.fileUrl).toBe(`https://example.slack.com/files/${fileId}`);
    expect(row.fileUrl!.length).toBeLessThanOrEqual(200);
    const rows = await trail(row.id);
    expect(rows.at(-1)!.changes).toEqual({ file_url: { from: null, to: row.fileUrl } });
    const note = await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "DSTAFF" && String(c.args.text).includes("Markdown file"));
    expect(JSON.stringify(note.args.blocks)).toContain(row.id);
  });

  it("on 500s: FAILED with a short error after the SDK's retries, the requester told, the record kept", async () => {
    const attempts = CLAUDE_DEFAULTS.maxRetries + 1;
    ai.enqueue(...Array.from({ length: attempts }, () => ({ status: 500 })));
    const n0 = ai.requests.length;
    const { responseUrl } = await h.command("USTAFF", "deliverable Glow Co guidelines");
    await answerTo(h, responseUrl);
    await settle();

    expect(ai.requests.length - n0).toBe(attempts);
    const row = await latest(creatorId);
    expect(row.status).toBe("FAILED");
    expect(row.errorMessage).toMatch(new RegExp(`HTTP 500.*${attempts} attempts`));
    expect(row.errorMessage!.length).toBeLessThan(200);
    expect(row.errorMessage).not.toContain(API_KEY);
    expect(row.generatedContent).toBe("");
    const rows = await trail(row.id);
    expect(rows.map((r) => r.changes)).toEqual([
      expect.objectContaining({ status: "PENDING" }),
      { status: { from: "PENDING", to: "GENERATING" } },
      { status: { from: "GENERATING", to: "FAILED" } },
    ]);
    const dm = await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && String(c.args.text).includes("couldn't finish"));
    expect(JSON.stringify(dm.args.blocks)).toContain("deliverable_regenerate");
  }, 30_000);

  it("on 529s: FAILED as overloaded after the retries; a 529 followed by a 200 completes", async () => {
    const attempts = CLAUDE_DEFAULTS.maxRetries + 1;
    // The API says when to come back (retry-after-ms); the SDK honours it.
    ai.enqueue(...Array.from({ length: attempts }, () => ({ status: 529, headers: { "retry-after-ms": "20" } })));
    let n0 = ai.requests.length;
    await answerTo(h, (await h.command("USTAFF", "deliverable Glow Co launch-plan")).responseUrl);
    await settle();
    expect(ai.requests.length - n0).toBe(attempts);
    const failed = await latest(creatorId);
    expect(failed.status).toBe("FAILED");
    expect(failed.errorMessage).toMatch(/overloaded \(HTTP 529\)/);

    ai.enqueue({ status: 529, headers: { "retry-after-ms": "20" } });
    n0 = ai.requests.length;
    await answerTo(h, (await h.command("USTAFF", "deliverable Glow Co launch-plan")).responseUrl);
    await settle();
    expect(ai.requests.length - n0).toBe(2);
    const ok = await latest(creatorId);
    expect(ok.id).not.toBe(failed.id);
    expect(ok.status).toBe("COMPLETED");
  });

  it("Regenerate makes a new record and leaves the earlier one as it was; the cached template is read back", async () => {
    const first = await h.tdb.db.aiDeliverable.findFirstOrThrow({
      where: { creatorId, deliverableType: "report", status: "COMPLETED" },
      orderBy: { createdAt: "asc" },
    });
    const { responseUrl } = await h.action("USTAFF", { action_id: "deliverable_regenerate", value: first.id });
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/Working on it/);
    await settle();

    const reports = await h.tdb.db.aiDeliverable.findMany({ where: { creatorId, deliverableType: "report" }, orderBy: { createdAt: "asc" } });
    expect(reports).toHaveLength(2);
    expect(reports[0]).toEqual(first);
    expect(reports[1]!.status).toBe("COMPLETED");
    const create = (await trail(reports[1]!.id))[0]!;
    expect(create.notes).toBe(`regenerated from ${first.id}`);
    expect(h.logs.text()).toMatch(/"cacheReadInputTokens":[1-9]/);
  });

  it("the card's Deliverable button opens the type picker; submitting it starts the deliverable", async () => {
    await h.action("USTAFF", { action_id: "creator_deliverable", value: creatorId });
    // trigger_id lives 3 s: a loading modal opens at once and becomes the picker, naming the creator.
    const filled = await h.slack.waitForCall("views.update", (c) => (c.args.view as { callback_id?: string }).callback_id === "deliverable_pick");
    expect(JSON.stringify(filled.args.view)).toContain("Glow Co");
    const view = filled.args.view as { private_metadata: string };
    expect(JSON.parse(view.private_metadata)).toEqual({ creatorId });

    const before = await h.tdb.db.aiDeliverable.count();
    const empty = await h.submit("USTAFF", {
      callback_id: "deliverable_pick",
      private_metadata: view.private_metadata,
      values: { deliverable_type: { deliverable_type: { type: "static_select", selected_option: null } } },
    });
    expect(empty.body).toMatchObject({ response_action: "errors", errors: { deliverable_type: expect.any(String) } });
    expect(await h.tdb.db.aiDeliverable.count()).toBe(before);

    const ok = await h.submit("USTAFF", {
      callback_id: "deliverable_pick",
      private_metadata: view.private_metadata,
      values: { deliverable_type: { deliverable_type: { type: "static_select", selected_option: { value: "guidelines" } } } },
    });
    expect(ok.status).toBe(200);
    await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && String(c.args.text).includes("Working on it"));
    await settle();
    const row = await latest(creatorId);
    expect(row).toMatchObject({ deliverableType: "guidelines", status: "COMPLETED" });
  });

  it("race: two runs of one PENDING record generate it once", async () => {
    const actor = await actorOf("USTAFF");
    const byHand = createDeliverableService({
      db: h.bot.db,
      health: h.bot.deps.health,
      slack: h.bot.deps.client,
      claude: createClaudeClient({ apiKey: API_KEY, baseUrl: ai.url, logger: h.logs.logger }),
      model: MODEL,
      tz: "UTC",
      logger: h.logs.logger,
      clock: h.clock,
      jobs: noJobs,
    });
    const req = await byHand.request({ creatorId, type: "report" }, actor);
    const n0 = ai.requests.length;
    const results = await Promise.all([byHand.run(req.id, actor, null), byHand.run(req.id, actor, null)]);
    expect(results.sort()).toEqual(["COMPLETED", null]);
    expect(ai.requests.length - n0).toBe(1);
    const rows = await trail(req.id);
    expect(rows.filter((r) => JSON.stringify(r.changes).includes('"to":"GENERATING"'))).toHaveLength(1);
  });

  it("on timeout: a Claude that does not answer, or stalls mid-stream, ends FAILED, never stuck in GENERATING", async () => {
    const actor = await actorOf("USTAFF");
    const make = (o: { timeoutMs: number; maxRetries: number; deadlineMs: number }) =>
      createDeliverableService({
        db: h.bot.db,
        health: h.bot.deps.health,
        slack: h.bot.deps.client,
        claude: createClaudeClient({ apiKey: API_KEY, baseUrl: ai.url, logger: h.logs.logger, ...o }),
        model: MODEL,
        tz: "UTC",
        logger: h.logs.logger,
        clock: h.clock,
        jobs: noJobs,
      });

    // No response headers in time, on every attempt.
    const slow = make({ timeoutMs: 150, maxRetries: 1, deadlineMs: 10_000 });
    ai.enqueue({ delayMs: 1_000 }, { delayMs: 1_000 });
    let n0 = ai.requests.length;
    const a = await slow.request({ creatorId, type: "report" }, actor);
    expect(await slow.run(a.id, actor, "USTAFF")).toBe("FAILED");
    expect(ai.requests.length - n0).toBe(2);
    const rowA = await h.tdb.db.aiDeliverable.findUniqueOrThrow({ where: { id: a.id } });
    expect(rowA.status).toBe("FAILED");
    expect(rowA.errorMessage).toMatch(/did not answer in time \(2 attempts\)/);

    // The stream starts, then stalls: the overall deadline ends it.
    const stalled = make({ timeoutMs: 5_000, maxRetries: 0, deadlineMs: 300 });
    ai.enqueue({ stallMs: 3_000, text: "never arrives" });
    n0 = ai.requests.length;
    const b = await stalled.request({ creatorId, type: "report" }, actor);
    expect(await stalled.run(b.id, actor, "USTAFF")).toBe("FAILED");
    expect(ai.requests.length - n0).toBe(1);
    const rowB = await h.tdb.db.aiDeliverable.findUniqueOrThrow({ where: { id: b.id } });
    expect(rowB.errorMessage).toMatch(/did not finish within/);
    expect((await trail(b.id)).at(-1)!.changes).toEqual({ status: { from: "GENERATING", to: "FAILED" } });
  });

  it("limits how many deliverables one person can have in flight", async () => {
    const actor = await actorOf("UMANAGER");
    const limited = createDeliverableService({
      db: h.bot.db,
      health: h.bot.deps.health,
      slack: h.bot.deps.client,
      claude: createClaudeClient({ apiKey: API_KEY, baseUrl: ai.url, logger: h.logs.logger }),
      model: MODEL,
      tz: "UTC",
      logger: h.logs.logger,
      clock: h.clock,
      jobs: noJobs,
      maxOpenPerUser: 2,
    });
    const a = await limited.request({ creatorId, type: "report" }, actor);
    const b = await limited.request({ creatorId, type: "guidelines" }, actor);
    const before = await h.tdb.db.aiDeliverable.count();
    await expect(limited.request({ creatorId, type: "launch-plan" }, actor)).rejects.toMatchObject({
      code: "rate_limited",
      userMessage: expect.stringMatching(/already have 2/),
    });
    expect(await h.tdb.db.aiDeliverable.count()).toBe(before);
    expect(await limited.run(a.id, actor, null)).toBe("COMPLETED");
    expect(await limited.run(b.id, actor, null)).toBe("COMPLETED");
    await expect(limited.request({ creatorId, type: "launch-plan" }, actor)).resolves.toMatchObject({ type: "launch-plan" });
    await limited.run((await latest(creatorId)).id, actor, null);
  });

  it("refuses a user without a role and records nothing", async () => {
    const before = await h.tdb.db.aiDeliverable.count();
    const { responseUrl } = await h.command("UNOBODY", "deliverable Glow Co report");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/ask an admin for access/i);
    expect(await h.tdb.db.aiDeliverable.count()).toBe(before);
  });

  it("restart: records no job drives (left by a version that generated in-process) are failed on start and their requesters told", async () => {
    await settle();
    const staff = await h.tdb.db.authUser.findFirstOrThrow({ where: { email: "sam@studio.test" } });
    const base = { creatorId, createdById: staff.id, deliverableType: "report", promptUsed: "p", contextData: {}, generatedContent: "" };
    const ago = (min: number) => new Date(Date.now() - min * 60_000);
    const staleGen = await h.tdb.db.aiDeliverable.create({ data: { ...base, status: "GENERATING", createdAt: ago(20) } });
    const stalePending = await h.tdb.db.aiDeliverable.create({ data: { ...base, status: "PENDING", createdAt: ago(30) } });
    const fresh = await h.tdb.db.aiDeliverable.create({ data: { ...base, status: "GENERATING", createdAt: ago(1) } });
    const oldDone = await h.tdb.db.aiDeliverable.create({ data: { ...base, status: "COMPLETED", generatedContent: "done", createdAt: ago(60) } });
    const dmsBefore = h.slack.callsTo("chat.postMessage").length;

    // A second process on the same database: its start-up is the restart.
    const bot2 = await startBot(h.config, h.logs.logger, { host: "127.0.0.1", schedules: false });
    try {
      const get = (id: string) => h.tdb.db.aiDeliverable.findUniqueOrThrow({ where: { id } });
      for (const r of [staleGen, stalePending]) {
        const now = await get(r.id);
        expect(now.status).toBe("FAILED");
        expect(now.errorMessage).toBe(INTERRUPTED_MESSAGE);
        const last = (await trail(r.id)).at(-1)!;
        expect(last.changes).toEqual({ status: { from: r.status, to: "FAILED" } });
        expect(last.userEmail).toBe("system@wavelaunch.bot");
      }
      // Younger than the stale age: left alone at start-up.
      expect((await get(fresh.id)).status).toBe("GENERATING");
      expect(await get(oldDone.id)).toEqual(oldDone);
      const told = h.slack
        .callsTo("chat.postMessage")
        .slice(dmsBefore)
        .filter((c) => c.args.channel === "USTAFF" && String(c.args.text).includes("Interrupted"));
      expect(told).toHaveLength(2);

      // ...but not forever: the periodic sweep closes it once it is past the stale age.
      h.clock.set(new Date(Date.now() + 11 * 60_000));
      await schedules(h.bot.deps, h.bot.services)[0]!.run(new Date());
      expect((await get(fresh.id)).status).toBe("FAILED");
      // A second sweep (another replica) changes nothing more.
      const auditBefore = await h.tdb.db.auditLog.count();
      await schedules(bot2.deps, bot2.services)[0]!.run(new Date());
      expect(await h.tdb.db.auditLog.count()).toBe(auditBefore);
    } finally {
      await bot2.stop();
    }
  });
});

describe("/wl deliverable without ANTHROPIC_API_KEY", () => {
  let h2: Harness;
  beforeAll(async () => {
    h2 = await startHarness();
    await grantRoles(h2, { USTAFF: "staff" });
    await makeCreator(h2.tdb.db, "Glow Co", EMAIL);
  });
  afterAll(async () => {
    await h2?.close();
  });

  it("says the feature is not configured, creates nothing, and audits each refusal", async () => {
    const audits = await h2.tdb.db.auditLog.count();
    const { responseUrl } = await h2.command("USTAFF", "deliverable Glow Co report");
    expect(String((await answerTo(h2, responseUrl)).text)).toMatch(/not configured.*ANTHROPIC_API_KEY/);
    const creator = await h2.tdb.db.creator.findFirstOrThrow();
    const btn = await h2.action("USTAFF", { action_id: "creator_deliverable", value: creator.id });
    expect(String((await answerTo(h2, btn.responseUrl)).text)).toMatch(/not configured/);
    expect(h2.slack.callsTo("views.open")).toHaveLength(0);
    expect(await h2.tdb.db.aiDeliverable.count()).toBe(0);
    const rows = await h2.tdb.db.auditLog.findMany({ orderBy: { chainSeq: "asc" }, skip: audits });
    expect(rows.map((r) => [r.actionType, r.targetDisplay, r.notes])).toEqual([
      ["VIEW", "/wl deliverable Glow Co report", expect.stringMatching(/^refused: AI deliverables are not configured/)],
      ["VIEW", "Deliverable (pick a type)", expect.stringMatching(/^refused: AI deliverables are not configured/)],
    ]);
  });
});
