import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnswerPlaces } from "../../src/slack/answer-in-place.js";
import { grantRoles, startHarness, TEAM, type Harness } from "../helpers/bot-harness.js";
import { captureLogger } from "../helpers/logs.js";
import { approvedRequest, djangoEncrypt, insertCredential, makeCreator, newKey } from "../e2e/vault-support.js";
import { startBot, type RunningBot } from "../../src/bot.js";
import type { FeatureDeps } from "../../src/features/types.js";
import { createVaultService } from "../../src/features/vault/vault-service.js";
import { createRevealService } from "../../src/features/vault/reveal-service.js";
import { createRevealNotifier } from "../../src/features/vault/reveal-notify.js";
import { createRevealOnce } from "../../src/features/vault/reveal-once.js";
import { REVEAL_DELETE_JOB, revealDeletions } from "../../src/features/vault/reveal-deletion.js";
import { REQUEST_NOTICE_JOB } from "../../src/features/vault/reveal-notice-job.js";
import { schedules as vaultSchedules } from "../../src/features/vault/register.js";

// `Reveal once` below Slack's button: the use case with its narrowed deps, against real
// Postgres, the response_url faked over HTTP. Its deletion is a job any replica runs.

const SECRET = "Jobs-Reveal-Pw-7731";
let h: Harness;
let creatorId: string;
const db = () => h.tdb.db;

beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff" });
  creatorId = await makeCreator(db(), "Reveal Jobs Co");
});
afterAll(async () => {
  await h?.close();
});

/** The use case as register.ts builds it, over one bot's deps, with a short delivery timeout. */
function useCase(deps: FeatureDeps, ttlSeconds: number) {
  const vault = createVaultService({ db: deps.db, fernet: deps.fernet });
  const reveal = createRevealService({ db: deps.db, approvalTtlMinutes: 15 });
  const notify = createRevealNotifier({
    client: deps.client,
    logger: deps.logger,
    identity: deps.identity,
    reveal,
    approvalsChannel: undefined,
    revealTtlSeconds: ttlSeconds,
    places: createAnswerPlaces({ db: deps.db, fernet: deps.fernet, now: () => new Date() }),
  });
  const deletions = revealDeletions({ db: deps.db, jobs: deps.jobs, fernet: deps.fernet, ttlSeconds });
  return createRevealOnce({
    reveal,
    vault,
    notify,
    deletions,
    fernet: deps.fernet,
    logger: deps.logger,
    metrics: deps.metrics,
    messageTtlSeconds: ttlSeconds,
    deliveryTimeoutMs: 400,
  });
}

async function grant(platform: string, password = h.bot.deps.fernet.encrypt(SECRET)) {
  const cred = await insertCredential(db(), creatorId, { platform, password });
  return { cred, requestId: await approvedRequest(h, cred) };
}
const staff = () => h.bot.deps.identity.resolve("USTAFF", TEAM);
const idOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const deletionJob = (requestId: string) => db().job.findFirst({ where: { kind: REVEAL_DELETE_JOB, dedupeKey: requestId } });
/** The job's row is written just after the worker sees Slack's answer. */
async function settled(requestId: string, status: string) {
  for (let i = 0; i < 200 && (await deletionJob(requestId))?.status !== status; i++) await new Promise((r) => setTimeout(r, 25));
  return deletionJob(requestId);
}
const notesFor = async (targetIds: string[]) =>
  (await db().auditLog.findMany({ where: { targetId: { in: targetIds } }, orderBy: { timestamp: "asc" } })).map(
    (r) => r.notes ?? `${r.actionType} ${JSON.stringify(r.changes)}`,
  );

describe("the deletion is stored with the claim", () => {
  it("the response_url is stored encrypted (a bearer credential): the job holds a Fernet token, never the URL", async () => {
    const { requestId } = await grant("Encrypted URL");
    const url = h.slack.responseUrl();
    await useCase(h.bot.deps, 60)(await staff(), requestId, url);
    const job = await deletionJob(requestId);
    expect(job).toMatchObject({ status: "queued", maxAttempts: 3 });
    const stored = JSON.stringify(await db().job.findMany());
    expect(stored).not.toContain(url);
    expect(stored).not.toContain(idOf(url));
    expect(stored).not.toContain("/response/");
    expect(h.bot.deps.fernet.decryptString(String((job!.payload as { responseUrl: string }).responseUrl))).toBe(url);
    // Due a TTL after the click, by the database's clock, and never retried past the URL's 30 minutes.
    expect(job!.runAt.getTime() - job!.createdAt.getTime()).toBe(60_000);
    expect(job!.deadlineAt!.getTime() - job!.createdAt.getTime()).toBe(29 * 60_000);
  });
});

describe("delivery unknown is not delivery failed", () => {
  it("when Slack does not answer in time, the deletion stays scheduled, the audit says unconfirmed, and the message is deleted", async () => {
    const { cred, requestId } = await grant("Slow Slack");
    const url = h.slack.responseUrl();
    h.slack.on("response_url", async (body) => {
      // Slack shows the reveal but answers late: the bot stops waiting first.
      if (body._id === idOf(url) && body.replace_original) await new Promise((r) => setTimeout(r, 1_000));
      return undefined;
    });
    try {
      await expect(useCase(h.bot.deps, 2)(await staff(), requestId, url)).rejects.toMatchObject({
        code: "upstream",
        userMessage: expect.stringMatching(/didn't confirm.*deleted in 2 seconds/),
      });
      const shown = await h.slack.waitFor(() => h.slack.responses.find((r) => r.id === idOf(url) && r.body.replace_original === true));
      expect(JSON.stringify(shown.body)).toContain(SECRET); // it was delivered after all
      const notes = await notesFor([cred, requestId]);
      expect(notes.some((n) => n.startsWith("secret revealed once"))).toBe(true);
      expect(notes.at(-1)).toMatch(/^reveal delivery unconfirmed \(no answer in time\): the secret may have been shown; its deletion stays scheduled$/);
      expect(notes.join("\n")).not.toMatch(/nothing was shown/);
      // ...and it is deleted when due, by the worker.
      const del = await h.slack.waitFor(() => h.slack.responses.find((r) => r.id === idOf(url) && r.body.delete_original === true), 10_000);
      expect(del.body).toEqual({ delete_original: true });
      expect((await settled(requestId, "done"))?.status).toBe("done");
    } finally {
      h.slack.reset();
    }
  });

  it("a definite refusal (HTTP 4xx) is 'not shown': audited so, and its deletion is withdrawn", async () => {
    const { cred, requestId } = await grant("Refused");
    const url = h.slack.responseUrl();
    h.slack.on("response_url", (body) => (body._id === idOf(url) ? { status: 404, body: "expired_url" } : undefined));
    try {
      await expect(useCase(h.bot.deps, 2)(await staff(), requestId, url)).rejects.toMatchObject({
        userMessage: expect.stringMatching(/didn't accept the message, so nothing was shown/),
      });
      expect((await notesFor([cred, requestId])).at(-1)).toBe("reveal claimed but Slack refused the message (HTTP 404); nothing was shown");
      expect((await deletionJob(requestId))?.status).toBe("cancelled");
    } finally {
      h.slack.reset();
    }
  });
});

describe("the outcome row is written once the outcome is known", () => {
  it("a decryption failure writes the failure row alone: no 'revealed' row before it, the grant unused, no deletion", async () => {
    const [foreign] = djangoEncrypt(newKey(), ["Foreign-Key-Jobs-Secret"]);
    const { cred, requestId } = await grant("Undecryptable", foreign!);
    const url = h.slack.responseUrl();
    await expect(useCase(h.bot.deps, 60)(await staff(), requestId, url)).rejects.toMatchObject({
      userMessage: expect.stringMatching(/could not be decrypted/),
    });
    const rows = await db().auditLog.findMany({ where: { targetId: { in: [cred, requestId] } }, orderBy: { timestamp: "asc" } });
    expect(rows.filter((r) => /revealed once/.test(r.notes ?? "") || JSON.stringify(r.changes).includes("REVEALED"))).toEqual([]);
    expect(rows.at(-1)).toMatchObject({ actionType: "VIEW", changes: { undecryptable: ["password"] }, notes: expect.stringMatching(/^reveal failed closed/) });
    const req = await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(req).toMatchObject({ status: "APPROVED", revealedAt: null });
    expect(await deletionJob(requestId)).toBeNull();
    expect(h.slack.responses.filter((r) => r.id === idOf(url))).toEqual([]);
  });

  it("if the deletion cannot be stored, nothing is claimed or shown", async () => {
    const { requestId } = await grant("No queue");
    const url = h.slack.responseUrl();
    const broken: FeatureDeps = { ...h.bot.deps, jobs: { ...h.bot.deps.jobs, enqueue: async () => Promise.reject(new Error("queue unavailable")) } };
    await expect(useCase(broken, 60)(await staff(), requestId, url)).rejects.toMatchObject({
      userMessage: expect.stringMatching(/nothing was shown.*still valid/),
    });
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("APPROVED");
    expect(h.slack.responses.filter((r) => r.id === idOf(url))).toEqual([]);
  });
});

describe("deleting", () => {
  it("a 5xx is retried within the URL's life; a 4xx is given up at once with an error line (no URL in it)", async () => {
    const retried = await grant("Flaky delete");
    const gone = await grant("Gone delete");
    const urlA = h.slack.responseUrl();
    const urlB = h.slack.responseUrl();
    let fails = 0;
    h.slack.on("response_url", (body) => {
      if (body._id === idOf(urlA) && body.delete_original && fails++ === 0) return { status: 503, body: "busy" };
      if (body._id === idOf(urlB) && body.delete_original) return { status: 404, body: "used_url" };
      return undefined;
    });
    try {
      await useCase(h.bot.deps, 1)(await staff(), retried.requestId, urlA);
      await useCase(h.bot.deps, 1)(await staff(), gone.requestId, urlB);
      await h.slack.waitFor(() => h.slack.responses.find((r) => r.id === idOf(urlA) && r.body.delete_original === true), 15_000);
      expect(await settled(retried.requestId, "done")).toMatchObject({ status: "done", attempts: 2 });
      expect(await settled(gone.requestId, "dead")).toMatchObject({
        status: "dead",
        attempts: 1,
        lastError: "PermanentJobError: response_url answered HTTP 404 (permanent failure)",
      });
      expect(h.logs.text()).toMatch(/"kind":"vault.reveal-delete".*job dead-lettered/);
      for (const u of [urlA, urlB]) expect(h.logs.text()).not.toContain(idOf(u));
    } finally {
      h.slack.reset();
    }
  });

  it("a stopping replica deletes its pending reveals early rather than late", async () => {
    const logs = captureLogger();
    const replica: RunningBot = await startBot(h.config, logs.logger, { host: "127.0.0.1", schedules: false, jobs: { pollMs: 100 } });
    const { requestId } = await grant("Early delete");
    const url = h.slack.responseUrl();
    try {
      // Revealed through the replica, due in 10 minutes.
      await useCase(replica.deps, 600)(await staff(), requestId, url);
    } finally {
      await replica.stop({ graceMs: 10_000 });
    }
    // By the time stop() returns, the message is gone.
    expect(h.slack.responses.find((r) => r.id === idOf(url) && r.body.delete_original === true)).toBeDefined();
    expect(await deletionJob(requestId)).toMatchObject({ status: "done" });
    expect(logs.text()).toMatch(/ran this replica's pending reveal deletions early/);
  });
});

describe("approval expiry notices", () => {
  it("the expiry sweep stores one notice job per expired request in its own transaction; a worker updates the messages", async () => {
    const { requestId } = await grant("Expiring");
    const row = await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } });
    const messages = row.approvalMessages as { channel: string; ts: string }[];
    expect(messages.length).toBeGreaterThan(0);
    await db().$executeRaw`UPDATE wl_reveal_request SET expires_at = now() - interval '1 second' WHERE id = ${requestId}::uuid`;
    const before = h.slack.callsTo("chat.update").length;

    await vaultSchedules(h.bot.deps, h.bot.services)
      .find((x) => x.name === "vault-expire-reveals")!
      .run(new Date());
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("EXPIRED");
    expect(await db().job.findMany({ where: { kind: REQUEST_NOTICE_JOB, dedupeKey: `${requestId}:EXPIRED` } })).toHaveLength(1);
    const updated = await h.slack.waitFor(
      () =>
        messages.every((m) =>
          h.slack
            .callsTo("chat.update")
            .slice(before)
            .some((c) => c.args.ts === m.ts && /expired unused/.test(JSON.stringify(c.args.blocks))),
        ),
      10_000,
    );
    expect(updated).toBe(true);
    // Another replica's sweep finds nothing more to expire or to notify.
    await vaultSchedules(h.bot.deps, h.bot.services)
      .find((x) => x.name === "vault-expire-reveals")!
      .run(new Date());
    expect(await db().job.count({ where: { kind: REQUEST_NOTICE_JOB } })).toBe(1);
  });
});
