import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, TEAM, TEST_KEY, TEST_SIGNING_SECRET, type Harness } from "../helpers/bot-harness.js";
import { captureLogger } from "../helpers/logs.js";
import { startBot, type RunningBot } from "../../src/bot.js";
import { signSlackRequest } from "../../src/slack/signature.js";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { buttons, click, formValues, insertCredential, makeCreator } from "./vault-support.js";

// Once-only transitions under concurrency, with the clicks split across TWO running replicas
// of the bot on one database: exactly one reveal, exactly one decision, and the pending limit.

let h: Harness;
let replica: RunningBot;
let replicaLogs: ReturnType<typeof captureLogger>;
let creatorId: string;
const fernet = new MultiFernet(parseFernetKeys(TEST_KEY));
const SECRET = "Race-Secret-q8w7e6";

beforeAll(async () => {
  h = await startHarness();
  replicaLogs = captureLogger();
  replica = await startBot(h.config, replicaLogs.logger, { host: "127.0.0.1", clock: h.clock, schedules: false });
  await grantRoles(h, { USTAFF: "staff", UADMIN2: "admin" });
  creatorId = await makeCreator(h.tdb.db, "Race Brand");
});
afterAll(async () => {
  await replica?.stop();
  await h?.close();
});

const db = () => h.tdb.db;

/** A signed block_actions click sent to one replica or the other. */
async function clickOn(baseUrl: string, user: string, action_id: string, value: string): Promise<string> {
  const responseUrl = h.slack.responseUrl();
  const payload = {
    type: "block_actions",
    team: { id: TEAM, domain: "studio" },
    user: { id: user, team_id: TEAM, name: user.toLowerCase() },
    api_app_id: "A0APP",
    trigger_id: `trg.${randomBytes(4).toString("hex")}`,
    response_url: responseUrl,
    container: { type: "message", message_ts: "1700000000.000100", channel_id: "D0DM", is_ephemeral: true },
    channel: { id: "D0DM", name: "directmessage" },
    actions: [{ type: "button", block_id: "b1", action_ts: "1700000001.000200", action_id, value }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...signSlackRequest(TEST_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)) },
    body,
  });
  await res.text();
  expect(res.status).toBe(200);
  return responseUrl;
}

const replicas = () => [h.baseUrl, `http://127.0.0.1:${replica.port}`];

async function pendingRequest(credentialId: string, user = "USTAFF"): Promise<string> {
  const r = await h.submit(user, {
    callback_id: "reveal_reason",
    private_metadata: JSON.stringify({ id: credentialId }),
    values: formValues({ reason: "race" }),
  });
  expect(r.body).toBeNull();
  return (await db().revealRequest.findFirstOrThrow({ where: { credentialId, requesterSlackId: user }, orderBy: { createdAt: "desc" } })).id;
}

describe("races", () => {
  it("race: 40 concurrent `Reveal once` clicks on two replicas reveal exactly once", async () => {
    const cred = await insertCredential(db(), creatorId, { password: fernet.encrypt(SECRET), account: "race-reveal" });
    const id = await pendingRequest(cred);
    await click(h, "UADMIN", "reveal_approve", id);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("APPROVED");

    const urls = await Promise.all(Array.from({ length: 40 }, (_, i) => clickOn(replicas()[i % 2]!, "USTAFF", "reveal_once", id)));
    const answers = await Promise.all(urls.map((u) => answerTo(h, u, 15_000)));
    const plaintext = answers.filter((a) => JSON.stringify(a).includes(SECRET));
    expect(plaintext).toHaveLength(1);
    expect(plaintext[0]).toMatchObject({ response_type: "ephemeral", replace_original: true });
    const refused = answers.filter((a) => /already revealed once/.test(String(a.text)));
    expect(refused).toHaveLength(39);

    const row = await db().revealRequest.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("REVEALED");
    expect(await db().auditLog.count({ where: { targetId: cred, notes: { contains: "revealed once" } } })).toBe(1);
    expect(await db().auditLog.count({ where: { targetId: id, actionType: "UPDATE", notes: null } })).toBe(1);
    // The losers were audited, without one row per click (at most one per replica per minute).
    const refusals = await db().auditLog.count({ where: { targetId: id, notes: { startsWith: "refused: Reveal once" } } });
    expect(refusals).toBeGreaterThanOrEqual(1);
    expect(refusals).toBeLessThanOrEqual(2);
  });

  it("race: 30 concurrent Approve/Deny clicks by two admins on two replicas end in exactly one decision", async () => {
    const cred = await insertCredential(db(), creatorId, { password: fernet.encrypt("decide-race-pw"), account: "race-decide" });
    const id = await pendingRequest(cred);
    const clicks = Array.from({ length: 30 }, (_, i) => ({
      user: i % 2 ? "UADMIN" : "UADMIN2",
      action: i % 3 ? "reveal_approve" : "reveal_deny",
      replica: replicas()[i % 2]!,
    }));
    const urls = await Promise.all(clicks.map((c) => clickOn(c.replica, c.user, c.action, id)));
    const answers = await Promise.all(urls.map((u) => answerTo(h, u, 15_000)));
    const winners = answers.filter((a) => /^(Approved|Denied):/.test(String(a.text)));
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => /already decided/.test(String(a.text)))).toHaveLength(29);

    const row = await db().revealRequest.findUniqueOrThrow({ where: { id } });
    expect(["APPROVED", "DENIED"]).toContain(row.status);
    expect(String(winners[0]!.text).startsWith(row.status === "APPROVED" ? "Approved" : "Denied")).toBe(true);
    const decisions = await db().auditLog.findMany({ where: { targetId: id, actionType: "UPDATE" } });
    expect(decisions).toHaveLength(1);
    expect((decisions[0]!.changes as { status: { to: string } }).status.to).toBe(row.status);
    // Exactly one message to the requester about the outcome.
    const isOutcome = (c: (typeof h.slack.calls)[number]) =>
      (c.method === "chat.postEphemeral" && c.args.user === "USTAFF" && buttons(c.args.blocks).some((b) => b.action_id === "reveal_once" && b.value === id)) ||
      (c.method === "chat.postMessage" && c.args.channel === "USTAFF" && /was denied/.test(String(c.args.text)) && String(c.args.text).includes("race-decide"));
    await h.slack.waitFor(() => h.slack.calls.some(isOutcome));
    expect(h.slack.calls.filter(isOutcome)).toHaveLength(1);
  });

  it("race: 8 concurrent requests from one person leave at most 3 pending (the limit holds under concurrency)", async () => {
    const creds = await Promise.all(
      Array.from({ length: 8 }, (_, i) => insertCredential(db(), creatorId, { platform: `Limit ${i}`, password: fernet.encrypt(`limit-${i}`) })),
    );
    const results = await Promise.all(
      creds.map((c) =>
        h.submit("UADMIN2", { callback_id: "reveal_reason", private_metadata: JSON.stringify({ id: c }), values: formValues({ reason: "bulk" }) }),
      ),
    );
    expect(results.filter((r) => r.body === null)).toHaveLength(3);
    expect(results.filter((r) => JSON.stringify(r.body).includes("already have 3 reveal requests waiting"))).toHaveLength(5);
    expect(await db().revealRequest.count({ where: { requesterSlackId: "UADMIN2", status: "PENDING" } })).toBe(3);
  });

  it("leak scan: neither replica logged the secret, and only the one ephemeral reveal carried it", async () => {
    const logs = h.logs.text() + replicaLogs.text();
    expect(logs).not.toContain(SECRET);
    const carriers = h.slack.responses.filter((r) => JSON.stringify(r.body).includes(SECRET));
    expect(carriers).toHaveLength(1);
    expect(JSON.stringify(h.slack.calls)).not.toContain(SECRET);
    const audit = JSON.stringify(await db().auditLog.findMany({ select: { changes: true, notes: true, targetDisplay: true } }));
    expect(audit).not.toContain(SECRET);
  });
});
