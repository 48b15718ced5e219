import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRoles, startHarness, TEST_KEY, type Harness } from "../helpers/bot-harness.js";
import { captureLogger } from "../helpers/logs.js";
import { startBot, type RunningBot } from "../../src/bot.js";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { buttons, click, formValues, insertCredential, makeCreator, until } from "./vault-support.js";

// A pending reveal request reminds its approvers once, at 75% of its wait: a job stored with
// the request, run by any replica, which re-checks the request in the database before sending.

let h: Harness;
let replica: RunningBot;
let creatorId: string;
const fernet = new MultiFernet(parseFernetKeys(TEST_KEY));
const KIND = "vault.request-reminder";

beforeAll(async () => {
  h = await startHarness();
  // A second replica on the same database: either may run a reminder.
  replica = await startBot(h.config, captureLogger().logger, { host: "127.0.0.1", clock: h.clock, schedules: false, jobs: { pollMs: 100, heartbeatMs: 500 } });
  await grantRoles(h, { USTAFF: "staff", UADMIN2: "admin" });
  creatorId = await makeCreator(h.tdb.db, "Reminder Brand");
});
afterAll(async () => {
  await replica?.stop();
  await h?.close();
});

const db = () => h.tdb.db;

async function pending(account: string): Promise<string> {
  const cred = await insertCredential(db(), creatorId, { platform: "TikTok", account, password: fernet.encrypt("Reminder-Pw-7k") });
  const r = await h.submit("USTAFF", {
    callback_id: "reveal_reason",
    private_metadata: JSON.stringify({ id: cred }),
    values: formValues({ reason: "Post the <b>drop</b>" }),
  });
  expect(r.body).toBeNull();
  return (await db().revealRequest.findFirstOrThrow({ where: { credentialId: cred } })).id;
}

const reminders = (id: string) =>
  h.slack.callsTo("chat.postMessage").filter((c) => String(c.args.text).startsWith("Reminder:") && buttons(c.args.blocks).some((b) => b.value === id));

/** Makes the request's reminder job(s) due now and waits until they have run. */
async function runReminders(id: string): Promise<void> {
  await db().$executeRaw`UPDATE wl_job SET run_at = now() WHERE kind = ${KIND} AND payload->>'requestId' = ${id}`;
  await until(async () => {
    const [row] = await db().$queryRaw<
      { n: bigint }[]
    >`SELECT count(*) AS n FROM wl_job WHERE kind = ${KIND} AND payload->>'requestId' = ${id} AND status <> 'done'`;
    return Number(row!.n) === 0;
  }, 10_000);
}

describe("reveal request reminders", () => {
  it("stores the reminder with the request, due at 75% of its wait, and sends it once to the approvers", async () => {
    const id = await pending("@remind-me");
    const [job] = await db().$queryRaw<{ dueAfterMs: number; dedupeKey: string; status: string }[]>`
      SELECT (extract(epoch FROM j.run_at - r.created_at) * 1000)::float8 AS "dueAfterMs", j.dedupe_key AS "dedupeKey", j.status
        FROM wl_job j JOIN wl_reveal_request r ON r.id::text = j.payload->>'requestId' WHERE j.kind = ${KIND} AND r.id = ${id}::uuid`;
    const row = await db().revealRequest.findUniqueOrThrow({ where: { id } });
    expect(job).toEqual({ dueAfterMs: 0.75 * (row.expiresAt!.getTime() - row.createdAt.getTime()), dedupeKey: id, status: "queued" });
    expect(reminders(id)).toHaveLength(0);

    await runReminders(id);
    const sent = reminders(id);
    // No APPROVALS_CHANNEL: every admin but the requester, by DM, like the prompt.
    expect(sent.map((c) => c.args.channel).sort()).toEqual(["UADMIN", "UADMIN2"]);
    const blocks = JSON.stringify(sent[0]!.args.blocks);
    expect(blocks).toContain("*Reminder:* <@USTAFF> is still waiting to reveal *TikTok* · @remind-me (Reminder Brand)");
    expect(blocks).toContain("&lt;b&gt;drop&lt;/b&gt;");
    expect(blocks).toMatch(/It expires <!date\^\d+\^/);
    expect(buttons(sent[0]!.args.blocks).map((b) => b.action_id)).toEqual(["reveal_approve", "reveal_deny"]);

    const after = await db().revealRequest.findUniqueOrThrow({ where: { id } });
    expect(after.status).toBe("PENDING");
    expect(after.remindedAt).not.toBeNull();
    const audit = await db().auditLog.findMany({ where: { targetId: id, actionType: "UPDATE" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.notes).toMatch(/approvers reminded/);
    // The reminders are remembered with the prompts, so a decision updates them too.
    await until(async () => ((await db().revealRequest.findUniqueOrThrow({ where: { id } })).approvalMessages as unknown[]).length === 4);
    await click(h, "UADMIN2", "reveal_deny", id);
    const updated = h.slack
      .callsTo("chat.update")
      .filter((c) => String(c.args.text).startsWith("Reveal request") && JSON.stringify(c.args.blocks).includes("Denied by"));
    expect(updated.length).toBeGreaterThanOrEqual(4);
  });

  it("sends no reminder for a request already approved or denied", async () => {
    const approved = await pending("@approved");
    const denied = await pending("@denied");
    await click(h, "UADMIN", "reveal_approve", approved);
    await click(h, "UADMIN", "reveal_deny", denied);
    await runReminders(approved);
    await runReminders(denied);
    expect(reminders(approved)).toHaveLength(0);
    expect(reminders(denied)).toHaveLength(0);
    for (const id of [approved, denied]) {
      expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).remindedAt).toBeNull();
      expect(await db().auditLog.count({ where: { targetId: id, notes: { contains: "reminded" } } })).toBe(0);
    }
  });

  it("race: two workers run the reminder of one request at once: one reminder", async () => {
    const id = await pending("@race");
    // Copies of the job (as after a claim taken over), due together on two replicas: several workers run it at once.
    for (let i = 2; i <= 4; i++) {
      await db().$executeRaw`
        INSERT INTO wl_job (id, kind, payload, status, run_at, attempts, max_attempts, dedupe_key, created_at)
        SELECT gen_random_uuid(), kind, payload, 'queued', run_at, 0, max_attempts, dedupe_key || ${`:copy${i}`}, now() FROM wl_job
         WHERE kind = ${KIND} AND dedupe_key = ${id}`;
    }
    await runReminders(id);
    expect(
      reminders(id)
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual(["UADMIN", "UADMIN2"]);
    expect(await db().auditLog.count({ where: { targetId: id, notes: { contains: "reminded" } } })).toBe(1);
  });
});
