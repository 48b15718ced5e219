import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, TEAM, TEST_SIGNING_SECRET, viewSubmission, type Harness } from "../helpers/bot-harness.js";
import { botEnv, spawnBot, type BotProcess } from "../helpers/bot-process.js";
import { FakeAnthropic } from "../helpers/fake-anthropic.js";
import { captureLogger } from "../helpers/logs.js";
import { loadConfig } from "../../src/config.js";
import { startBot, type RunningBot } from "../../src/bot.js";
import { signSlackRequest } from "../../src/slack/signature.js";
import { approvedRequest, insertCredential, makeCreator } from "./vault-support.js";
import { seedCreators } from "../integration/digest-seed.js";
import { formValues, validNew } from "../helpers/creators.js";
import pg from "pg";

// Deploys and crashes of real bot processes (node src/main.ts), sharing one database and one
// fake Slack: SIGTERM (a rolling deploy) and SIGKILL (a crash). Whatever one process promised
// (a reveal's deletion, a deliverable, a digest part) is finished, early or by another bot,
// and nothing is done twice.

const SECRET = "Deploy-Secret-Pw-4410";
const CHANNEL = "C0DIGEST";
const AI_KEY = "test-anthropic-key-deploys-0123456789";
let h: Harness;
let ai: FakeAnthropic;
let creatorId: string;
const procs: BotProcess[] = [];
const bots: RunningBot[] = [];

beforeAll(async () => {
  ai = await new FakeAnthropic().start();
  // The harness's bot serves setup requests only: it runs no jobs, so each test decides who does.
  h = await startHarness({ ANTHROPIC_API_KEY: AI_KEY, ANTHROPIC_BASE_URL: ai.url, DIGEST_CHANNEL: CHANNEL, DIGEST_TZ: "UTC" }, { jobs: { start: false } });
  await grantRoles(h, { USTAFF: "staff" });
  creatorId = await makeCreator(h.tdb.db, "Deploy Co");
});
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await Promise.all(bots.splice(0).map((b) => b.stop({ graceMs: 3_000 })));
  h.slack.reset();
});
afterAll(async () => {
  await h?.close();
  await ai?.stop();
});

/** A bot process on the test database; `extra` overrides its environment. */
async function processBot(extra: Record<string, string> = {}): Promise<BotProcess> {
  const p = await spawnBot(
    botEnv(h.slack.apiUrl, h.tdb.appUrl, {
      ANTHROPIC_API_KEY: AI_KEY,
      ANTHROPIC_BASE_URL: ai.url,
      DIGEST_CHANNEL: CHANNEL,
      DIGEST_TZ: "UTC",
      SHUTDOWN_GRACE_SECONDS: "10",
      ...extra,
    }),
  );
  procs.push(p);
  return p;
}
/** Another bot started after the first one is gone: "a restart", or the other replica. */
async function anotherBot(env: Record<string, string> = {}, opts: { schedules?: boolean; staleAfterMs?: number } = {}): Promise<RunningBot> {
  const config = loadConfig({
    ...botEnv(h.slack.apiUrl, h.tdb.appUrl, { ANTHROPIC_API_KEY: AI_KEY, ANTHROPIC_BASE_URL: ai.url, DIGEST_CHANNEL: CHANNEL, DIGEST_TZ: "UTC" }),
    ...env,
  });
  const b = await startBot(config, captureLogger().logger, {
    host: "127.0.0.1",
    schedules: opts.schedules ?? false,
    jobs: { pollMs: 100, staleAfterMs: opts.staleAfterMs },
  });
  bots.push(b);
  return b;
}

/** Posts as Slack does; returns the ack's body (Slack's request succeeded: 200). */
async function signedPost(baseUrl: string, body: string): Promise<string> {
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...signSlackRequest(TEST_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)) },
    body,
  });
  const text = await res.text();
  expect(res.status).toBe(200);
  return text;
}
/** `Reveal once` clicked in the ephemeral offer, sent to the bot at `baseUrl`; returns the click's response_url. */
async function revealOnceAt(baseUrl: string, requestId: string): Promise<string> {
  const responseUrl = h.slack.responseUrl();
  const payload = {
    type: "block_actions",
    team: { id: TEAM, domain: "studio" },
    user: { id: "USTAFF", team_id: TEAM, name: "ustaff" },
    api_app_id: "A0APP",
    trigger_id: `trg.${randomBytes(4).toString("hex")}`,
    response_url: responseUrl,
    container: { type: "message", message_ts: "1700000000.000100", channel_id: "DSTAFF", is_ephemeral: true },
    channel: { id: "DSTAFF", name: "directmessage" },
    actions: [{ type: "button", block_id: "b1", action_ts: "1700000001.000200", action_id: "reveal_once", value: requestId }],
  };
  await signedPost(baseUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  return responseUrl;
}
async function commandAt(baseUrl: string, user: string, text: string): Promise<string> {
  const responseUrl = h.slack.responseUrl();
  const body = new URLSearchParams({
    token: "legacy",
    team_id: TEAM,
    team_domain: "studio",
    channel_id: "C0CHAN",
    channel_name: "general",
    user_id: user,
    user_name: user.toLowerCase(),
    command: "/wl",
    text,
    api_app_id: "A0APP",
    response_url: responseUrl,
    trigger_id: `trg.${randomBytes(4).toString("hex")}`,
  }).toString();
  await signedPost(baseUrl, body);
  return responseUrl;
}

const idOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const responsesTo = (url: string) => h.slack.responses.filter((r) => r.id === idOf(url));
async function until(fn: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  while (!(await fn())) {
    if (Date.now() - started > timeoutMs) throw new Error("until: timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
}
async function grant(platform: string): Promise<string> {
  const cred = await insertCredential(h.tdb.db, creatorId, { platform, password: h.bot.deps.fernet.encrypt(SECRET) });
  return approvedRequest(h, cred);
}

describe("reveal deletion survives the process", () => {
  it("SIGKILL before the TTL: the revealed message is still deleted, by the next bot on the same database", async () => {
    const a = await processBot({ REVEAL_MESSAGE_TTL_SECONDS: "4" });
    const url = await revealOnceAt(a.baseUrl, await grant("Killed"));
    await h.slack.waitFor(() => responsesTo(url).find((r) => r.body.replace_original === true), 10_000);
    a.child.kill("SIGKILL");
    expect(await a.exited).toEqual({ code: null, signal: "SIGKILL" });

    await anotherBot();
    await until(() => responsesTo(url).some((r) => r.body.delete_original === true), 15_000);
    expect(a.output()).not.toContain(SECRET);
  });

  it("SIGTERM: a stopping bot deletes its pending reveals early, then exits cleanly", async () => {
    const a = await processBot({ REVEAL_MESSAGE_TTL_SECONDS: "600" });
    const url = await revealOnceAt(a.baseUrl, await grant("Terminated"));
    await h.slack.waitFor(() => responsesTo(url).find((r) => r.body.replace_original === true), 10_000);
    const signalled = Date.now();
    a.child.kill("SIGTERM");
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(10_000);
    // Deleted before it exited: ten minutes early rather than never.
    expect(responsesTo(url).filter((r) => r.body.delete_original === true)).toHaveLength(1);
    expect(a.output()).not.toContain(SECRET);
  });
});

describe("a deploy loses no work", () => {
  it("SIGTERM: readiness answers 503 at once while liveness stays 200, requests still inside finish, then it exits 0", async () => {
    const a = await processBot();
    expect((await fetch(`${a.baseUrl}/readyz`)).status).toBe(200);
    // A request the bot is still working on when the signal arrives (Slack is slow to answer it).
    h.slack.on("views.open", async () => {
      await new Promise((r) => setTimeout(r, 1_500));
      return undefined;
    });
    const responseUrl = await commandAt(a.baseUrl, "USTAFF", "new");
    a.child.kill("SIGTERM");
    await until(async () => (await fetch(`${a.baseUrl}/readyz`)).status === 503, 2_000);
    expect(await (await fetch(`${a.baseUrl}/readyz`)).json()).toEqual({ ok: false, stopping: true });
    expect((await fetch(`${a.baseUrl}/healthz`)).status).toBe(200);
    expect(await a.exited).toEqual({ code: 0, signal: null });
    // The request that was inside finished before the exit: its modal went out and its audit row was written.
    expect(h.slack.callsTo("views.open")).toHaveLength(1);
    expect(await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", notes: "opened the New creator form" } })).toBe(1);
    expect(h.slack.responses.filter((r) => r.id === idOf(responseUrl))).toEqual([]); // no error answer
  });

  it("SIGTERM mid-deliverable: the stopping bot hands it back and another completes it at once; nothing is left GENERATING", async () => {
    const a = await processBot();
    ai.enqueue({ delayMs: 60_000 }); // the stopping bot's Claude call would take a minute
    await answerTo(h, await commandAt(a.baseUrl, "USTAFF", "deliverable Deploy Co report"), 10_000);
    const d = await h.tdb.db.aiDeliverable.findFirstOrThrow({ where: { creatorId }, orderBy: { createdAt: "desc" } });
    await until(async () => (await h.tdb.db.aiDeliverable.findUniqueOrThrow({ where: { id: d.id } })).status === "GENERATING");
    await anotherBot();

    const signalled = Date.now();
    a.child.kill("SIGTERM");
    expect(await a.exited).toEqual({ code: 0, signal: null });
    const waited = await until(async () => (await h.tdb.db.aiDeliverable.findUniqueOrThrow({ where: { id: d.id } })).status === "COMPLETED", 15_000);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(waited).toBeLessThan(8_000);
    const notes = (await h.tdb.db.auditLog.findMany({ where: { targetId: d.id }, orderBy: { timestamp: "asc" } })).map((r) => r.notes ?? "");
    expect(notes.some((n) => n.startsWith("handed back"))).toBe(true);
    expect(ai.requests).toHaveLength(2);
  });

  it("SIGTERM mid-digest: the message in flight is finished and recorded, another bot completes the delivery at once, and nothing is posted twice", async () => {
    await seedCreators(h.tdb.db, "RED", 60);
    let signalled = 0;
    let a: BotProcess | undefined;
    h.slack.on("chat.postMessage", async (args) => {
      // The digest reaches Slack; the deploy's SIGTERM arrives while Slack is still answering.
      if (args.channel === CHANNEL && !signalled) {
        signalled = Date.now();
        a!.child.kill("SIGTERM");
        await new Promise((r) => setTimeout(r, 1_500));
      }
      return undefined;
    });
    // The digest fires every 2 seconds here; it goes out once per day whatever fires it.
    const cron = { DIGEST_CRON: "*/2 * * * * *" };
    a = await processBot(cron);
    await until(() => signalled > 0, 20_000);
    expect(await a.exited).toEqual({ code: 0, signal: null });

    await anotherBot(cron, { schedules: true });
    await until(async () => (await h.tdb.db.jobRun.count({ where: { job: "digest", destination: CHANNEL, status: "done" } })) === 1, 15_000);
    expect(Date.now() - signalled).toBeLessThan(10_000); // not a 10-minute stale window
    // One message (the summary and the most urgent), and its chart once in its thread.
    const posts = h.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === CHANNEL);
    expect(posts).toHaveLength(1);
    const charts = h.slack.callsTo("files.completeUploadExternal").filter((c) => c.args.channel_id === CHANNEL);
    expect(charts).toHaveLength(1);
    expect(charts[0]!.args.thread_ts).toBeTruthy();
  });
});

/** The New creator form submitted to the bot at `baseUrl`, as Slack sends it; returns the ack's body. */
const submitNewAt = (baseUrl: string, user: string, viewId: string, values: Record<string, Record<string, unknown>>) =>
  signedPost(baseUrl, new URLSearchParams({ payload: JSON.stringify(viewSubmission(user, { id: viewId, callback_id: "creator_new", values })) }).toString());

describe("a New creator form that closed is a creator that will exist", () => {
  it("SIGKILL between the form's ack and its create: the next bot creates it once and answers where the form was opened", async () => {
    const email = "killed@intake.test";
    const a = await processBot();
    const opened = new Date();
    const responseUrl = await commandAt(a.baseUrl, "USTAFF", "new");
    let viewId = "";
    await until(async () => {
      const place = await h.tdb.db.answerPlace.findFirst({ where: { slackUserId: "USTAFF", kind: "command", createdAt: { gte: opened } } });
      viewId = place?.key.slice("view:".length) ?? "";
      return viewId !== "";
    }, 10_000);
    // Someone else's uncommitted insert of the same email holds the bot's create inside its
    // transaction: the form's own check cannot see it, so the form is acked, then the create waits.
    const blocker = new pg.Client({ connectionString: h.tdb.url });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query(
        `INSERT INTO studio_crm_creator (id, created_at, updated_at, creator_name, creator_email, creator_timezone, brand_name, brand_niche, journey_status, health_score,
                                         last_status_change, priority_level, is_active, other_social_links, primary_communication_channel, custom_fields, tags)
         VALUES (gen_random_uuid(), now(), now(), 'Other', $1, 'UTC', 'Other Co', 'x', 'LIVE', 'GREEN', now(), 3, true, '{}', 'Email', '{}', '[]')`,
        [email],
      );
      // The form closed: an empty ack.
      expect(await submitNewAt(a.baseUrl, "USTAFF", viewId, formValues(validNew({ creator_email: email, brand_name: "Killed Brand" })))).toBe("");
      await until(async () => {
        const [w] = await h.tdb.db.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        return (w?.n ?? 0) > 0;
      }, 10_000);
      a.child.kill("SIGKILL");
      expect(await a.exited).toEqual({ code: null, signal: "SIGKILL" });
      await blocker.query("ROLLBACK");
    } finally {
      await blocker.end();
    }
    expect(await h.tdb.db.creator.count({ where: { creatorEmail: email } })).toBe(0);

    // The next bot on the database takes the dead process's stored submission over.
    await anotherBot({}, { staleAfterMs: 1_000 });
    await until(() => responsesTo(responseUrl).some((r) => String(r.body.text).includes("Created *Killed Brand*")), 20_000);
    const made = await h.tdb.db.creator.findMany({ where: { creatorEmail: email } });
    expect(made.map((c) => c.brandName)).toEqual(["Killed Brand"]);
    expect(await h.tdb.db.auditLog.count({ where: { targetId: made[0]!.id, actionType: "CREATE", slackUserId: "USTAFF" } })).toBe(1);
    // The job is marked done after its answer is sent, so wait for that write rather than race it.
    const jobs = () =>
      h.tdb.db.$queryRaw<{ status: string }[]>`SELECT status FROM wl_job WHERE kind = 'creator.new' AND payload->>'creatorId' = ${made[0]!.id}`;
    await until(async () => (await jobs())[0]?.status === "done", 10_000);
    expect(await jobs()).toEqual([{ status: "done" }]);
  });
});
