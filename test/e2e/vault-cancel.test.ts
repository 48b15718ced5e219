import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRoles, startHarness, TEST_KEY, type Harness } from "../helpers/bot-harness.js";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { buttons, click, formValues, insertCredential, makeCreator, until } from "./vault-support.js";

// The requester may cancel a pending reveal request from their "request sent" message: one
// conditional write that re-checks requester and state, so a forged id changes nothing.

let h: Harness;
let creatorId: string;
const fernet = new MultiFernet(parseFernetKeys(TEST_KEY));

beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", USTAFF2: "staff", UADMIN2: "admin" });
  creatorId = await makeCreator(h.tdb.db, "Cancel Brand");
});
afterAll(async () => {
  await h?.close();
});

const db = () => h.tdb.db;

async function pending(account: string, user = "USTAFF"): Promise<string> {
  const cred = await insertCredential(db(), creatorId, { platform: "YouTube", account, password: fernet.encrypt("Cancel-Pw-9q") });
  const r = await h.submit(user, {
    callback_id: "reveal_reason",
    private_metadata: JSON.stringify({ id: cred }),
    values: formValues({ reason: "cancel test" }),
  });
  expect(r.body).toBeNull();
  const { id } = await db().revealRequest.findFirstOrThrow({ where: { credentialId: cred } });
  // Both admins' prompts are posted and remembered before anyone clicks.
  await until(async () => ((await db().revealRequest.findUniqueOrThrow({ where: { id } })).approvalMessages as unknown[]).length === 2);
  return id;
}

describe("Cancel request", () => {
  it("the requester's 'request sent' message carries Cancel request; a click cancels, updates the prompts and replaces the message", async () => {
    const id = await pending("@cancel-me");
    const sent = await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && buttons(c.args.blocks).some((b) => b.value === id));
    expect(buttons(sent.args.blocks)).toMatchObject([{ action_id: "reveal_cancel", value: id, text: "Cancel request" }]);
    expect(String(sent.args.text)).toMatch(/was sent to 2 admins/);

    const { answer } = await click(h, "USTAFF", "reveal_cancel", id, {
      container: { type: "message", message_ts: "1", channel_id: "DUSTAFF", is_ephemeral: false },
    });
    expect(answer).toMatchObject({ replace_original: true });
    expect(String(answer.text)).toMatch(/^You cancelled your request to reveal \*YouTube\* · @cancel-me/);

    const row = await db().revealRequest.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("CANCELLED");
    const audit = await db().auditLog.findFirstOrThrow({ where: { targetId: id, actionType: "UPDATE", slackUserId: "USTAFF" } });
    expect(audit.changes).toEqual({ status: { from: "PENDING", to: "CANCELLED" } });
    const posted = row.approvalMessages as { channel: string; ts: string }[];
    for (const p of posted) {
      const update = h.slack.callsTo("chat.update").find((c) => c.args.channel === p.channel && c.args.ts === p.ts);
      expect(update).toBeTruthy();
      expect(buttons(update!.args.blocks)).toEqual([]);
      expect(JSON.stringify(update!.args.blocks)).toContain("Cancelled by the requester");
    }
    // Decided for good: an Approve afterwards is refused and changes nothing.
    const late = await click(h, "UADMIN", "reveal_approve", id);
    expect(String(late.answer.text)).toMatch(/cancelled by the person who asked/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("CANCELLED");
  });

  it("a forged or foreign id (another user's request) is refused, audited, and nothing changes", async () => {
    const id = await pending("@not-yours");
    const updatesBefore = h.slack.callsTo("chat.update").length;
    const { answer } = await click(h, "USTAFF2", "reveal_cancel", id);
    expect(String(answer.text)).toMatch(/Only the person who asked for this reveal/);
    expect(answer.replace_original).not.toBe(true);
    const row = await db().revealRequest.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("PENDING");
    expect(await db().auditLog.count({ where: { targetId: id, actionType: "UPDATE" } })).toBe(0);
    expect(await db().auditLog.count({ where: { slackUserId: "USTAFF2", targetId: id, notes: { contains: "refused" } } })).toBe(1);
    expect(h.slack.callsTo("chat.update").length).toBe(updatesBefore);
    // An id that names no request at all is refused the same way.
    const nobody = await click(h, "USTAFF2", "reveal_cancel", "00000000-0000-4000-8000-000000000000");
    expect(String(nobody.answer.text)).toMatch(/doesn't exist/);
  });

  it("Cancel after a decision is refused, and the decision stands", async () => {
    const id = await pending("@decided-first");
    await click(h, "UADMIN", "reveal_approve", id);
    const { answer } = await click(h, "USTAFF", "reveal_cancel", id);
    expect(String(answer.text)).toMatch(/already decided/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("APPROVED");
    expect(await db().auditLog.count({ where: { targetId: id, actionType: "UPDATE", slackUserId: "USTAFF" } })).toBe(0);
  });

  it("race: approve and cancel at once: exactly one wins", async () => {
    for (let round = 0; round < 6; round++) {
      const id = await pending(`@race-${round}`);
      // Sent in either order, so each side gets its chance to be first.
      const approving = () => click(h, "UADMIN", "reveal_approve", id);
      const cancelling = () => click(h, "USTAFF", "reveal_cancel", id);
      const [approve, cancel] =
        round % 2 ? await Promise.all([approving(), cancelling()]) : await Promise.all([cancelling(), approving()]).then(([c, a]) => [a, c] as const);
      const row = await db().revealRequest.findUniqueOrThrow({ where: { id } });
      expect(["APPROVED", "CANCELLED"]).toContain(row.status);
      const approved = /^Approved:/.test(String(approve.answer.text));
      const cancelled = /^You cancelled/.test(String(cancel.answer.text));
      expect([approved, cancelled].filter(Boolean)).toHaveLength(1);
      expect(row.status).toBe(approved ? "APPROVED" : "CANCELLED");
      if (!approved) expect(String(approve.answer.text)).toMatch(/cancelled by the person who asked/);
      if (!cancelled) expect(String(cancel.answer.text)).toMatch(/already decided/);
      const changes = await db().auditLog.findMany({ where: { targetId: id, actionType: "UPDATE" } });
      expect(changes).toHaveLength(1);
      expect((changes[0]!.changes as { status: { to: string } }).status.to).toBe(row.status);
    }
  });
});
