import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRoles, startHarness, TEST_KEY, type Harness } from "../helpers/bot-harness.js";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { buttons, click, formValues, insertCredential, makeCreator, until } from "./vault-support.js";

// With APPROVALS_CHANNEL set, the approval prompt goes to that channel (once), not to DMs,
// and it is the message that gets updated with the outcome.

let h: Harness;
const fernet = new MultiFernet(parseFernetKeys(TEST_KEY));

beforeAll(async () => {
  h = await startHarness({ APPROVALS_CHANNEL: "C0APPROVALS", REVEAL_APPROVAL_TTL_MINUTES: "5" });
  await grantRoles(h, { USTAFF: "staff", UADMIN2: "admin" });
});
afterAll(async () => {
  await h?.close();
});

describe("APPROVALS_CHANNEL", () => {
  it("posts the prompt to the channel only, and updates that message when decided", async () => {
    const creatorId = await makeCreator(h.tdb.db, "Channel Co");
    const cred = await insertCredential(h.tdb.db, creatorId, { platform: "Shopify", account: "owner@channel.test", password: fernet.encrypt("Channel-Pw-3z") });
    const r = await h.submit("USTAFF", {
      callback_id: "reveal_reason",
      private_metadata: JSON.stringify({ id: cred }),
      values: formValues({ reason: "Fix the store theme" }),
    });
    expect(r.body).toBeNull();
    const sent = await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && /was sent in <#C0APPROVALS>/.test(String(c.args.text)));
    expect(sent).toBeTruthy();
    const { id } = await h.tdb.db.revealRequest.findFirstOrThrow({ where: { credentialId: cred } });
    const prompts = h.slack.callsTo("chat.postMessage").filter((c) => buttons(c.args.blocks).some((b) => b.action_id === "reveal_approve" && b.value === id));
    expect(prompts.map((c) => c.args.channel)).toEqual(["C0APPROVALS"]);
    await until(async () => ((await h.tdb.db.revealRequest.findUniqueOrThrow({ where: { id } })).approvalMessages as unknown[]).length === 1);

    await click(h, "UADMIN2", "reveal_approve", id, { container: { type: "message", message_ts: "1", channel_id: "C0APPROVALS", is_ephemeral: false } });
    const row = await h.tdb.db.revealRequest.findUniqueOrThrow({ where: { id } });
    expect(row.expiresAt!.getTime() - row.decidedAt!.getTime()).toBe(5 * 60_000);
    const [posted] = row.approvalMessages as { channel: string; ts: string }[];
    const update = h.slack.callsTo("chat.update").find((c) => c.args.channel === "C0APPROVALS" && c.args.ts === posted!.ts);
    expect(update).toBeTruthy();
    expect(buttons(update!.args.blocks)).toEqual([]);
    expect(JSON.stringify(update!.args.blocks)).toMatch(/Approved by <@UADMIN2>/);
    expect(JSON.stringify(h.slack.calls)).not.toContain("Channel-Pw-3z");
  });
});
