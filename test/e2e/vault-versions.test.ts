import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRoles, startHarness, TEST_KEY, type Harness } from "../helpers/bot-harness.js";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { buttons, click, formValues, insertCredential, makeCreator } from "./vault-support.js";

// Issue 14, item 1: an approval is for one version of a credential. Signed requests against the
// running bot: approve, then an admin edits the secret/account/platform (or Django does), then
// `Reveal once` must show nothing.

let h: Harness;
let creatorId: string;
const fernet = new MultiFernet(parseFernetKeys(TEST_KEY));
const OLD_PW = "Old-Pw-versions-4k1z";
const NEW_PW = "New-Pw-versions-9q7r";
const DJANGO_PW = "Django-Pw-versions-3m8t";
const NOTES_PW = "Notes-Pw-versions-6h2w";

beforeAll(async () => {
  h = await startHarness({ REVEAL_MESSAGE_TTL_SECONDS: "1" });
  await grantRoles(h, { USTAFF: "staff", UADMIN2: "admin" });
  creatorId = await makeCreator(h.tdb.db, "Version Labs");
});
afterAll(async () => {
  await h?.close();
});

const db = () => h.tdb.db;
const text = (x: unknown) => JSON.stringify(x);

async function requestAndApprove(credentialId: string, reason: string): Promise<string> {
  const before = h.slack.calls.length;
  const r = await h.submit("USTAFF", { callback_id: "reveal_reason", private_metadata: JSON.stringify({ id: credentialId }), values: formValues({ reason }) });
  expect(r.body).toBeNull();
  await h.slack.waitFor(() =>
    h.slack.calls.slice(before).find((c) => c.method === "chat.postMessage" && c.args.channel === "USTAFF" && /request to reveal/.test(String(c.args.text))),
  );
  const id = (await db().revealRequest.findFirstOrThrow({ where: { credentialId, requesterSlackId: "USTAFF" }, orderBy: { createdAt: "desc" } })).id;
  const { answer } = await click(h, "UADMIN2", "reveal_approve", id);
  expect(String(answer.text)).toMatch(/Approved/);
  // Both admins' prompts and the requester's approval DM (which becomes the receipt) are stored before we go on.
  await h.slack.waitFor(() =>
    h.slack.calls.find(
      (c) =>
        c.method === "chat.postMessage" &&
        c.args.channel === "USTAFF" &&
        /was approved/.test(String(c.args.text)) &&
        text(c.args.blocks).includes("Version Labs"),
    ),
  );
  await expect.poll(async () => ((await db().revealRequest.findUniqueOrThrow({ where: { id } })).approvalMessages as unknown[]).length).toBe(3);
  return id;
}

function edit(credentialId: string, values: Record<string, string | null>) {
  return h.submit("UADMIN", { callback_id: "credential_edit", private_metadata: JSON.stringify({ credentialId }), values: formValues(values) });
}

describe("an approval is for one version of a credential", () => {
  it("an edit of the password and account ends the approval in the edit's transaction; Reveal once then shows nothing, and every message says why", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "Instagram", account: "@old-acct", password: fernet.encrypt(OLD_PW) });
    const id = await requestAndApprove(cred, "Post the reel");
    const stored = (await db().revealRequest.findUniqueOrThrow({ where: { id } })).approvalMessages as { channel: string; ts: string; kind: string }[];
    expect(stored.map((m) => m.kind).sort()).toEqual(["approval", "approval", "grant"]);
    const updatesBefore = h.slack.callsTo("chat.update").length;

    // Another admin changes the password and the account.
    const r = await edit(cred, { platform_name: "Instagram", account_identifier: "@new-acct", password: NEW_PW });
    expect(r.body).toBeNull();
    expect(fernet.decryptString((await db().creatorCredential.findUniqueOrThrow({ where: { id: cred } })).password!)).toBe(NEW_PW);
    await h.slack.waitForCall(
      "chat.postMessage",
      (c) => c.args.channel === "UADMIN" && /Updated .*1 open reveal request or approval was for the old version and ended/.test(String(c.args.text)),
    );

    // The requester's `Reveal once` (the ephemeral offer they still hold) shows nothing.
    const { answer } = await click(h, "USTAFF", "reveal_once", id);
    expect(text(answer)).not.toContain(NEW_PW);
    expect(text(answer)).not.toContain(OLD_PW);
    expect(String(answer.text)).toMatch(/was changed .*after this was requested.*nothing was shown/);
    const row = await db().revealRequest.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "EXPIRED", endReason: "credential_changed", revealedAt: null });
    expect(await db().auditLog.count({ where: { targetId: cred, actionType: "VIEW", notes: { contains: "revealed once" } } })).toBe(0);

    // Audited under the admin who edited, next to the edit itself.
    const ended = await db().auditLog.findFirstOrThrow({ where: { targetId: id, targetModel: "RevealRequest", notes: { startsWith: "ended" } } });
    expect(ended).toMatchObject({ slackUserId: "UADMIN", actionType: "UPDATE" });
    expect(ended.notes).toBe("ended: credential changed (account_identifier, password)");
    expect(ended.changes).toEqual({ status: { from: "APPROVED", to: "EXPIRED" }, end_reason: { from: null, to: "credential_changed" } });
    expect(await db().auditLog.count({ where: { targetId: cred, targetModel: "CreatorCredential", actionType: "UPDATE", slackUserId: "UADMIN" } })).toBe(1);

    // The approver's prompt and the requester's approval DM now say the credential changed.
    for (const m of stored) {
      const u = await h.slack.waitFor(() =>
        h.slack
          .callsTo("chat.update")
          .slice(updatesBefore)
          .find((c) => c.args.channel === m.channel && c.args.ts === m.ts),
      );
      expect(text(u.args.blocks), m.kind).toMatch(/ended unused: the credential was changed/);
      expect(buttons(u.args.blocks)).toEqual([]);
      if (m.kind === "grant") expect(String(u.args.text)).toMatch(/ended: the credential was changed/);
    }
    // /wl creds no longer offers the old approval: the requester has to ask again.
    const list = await click(h, "USTAFF", "creator_credentials", creatorId);
    expect(buttons(list.answer.blocks).some((b) => b.value === id)).toBe(false);
  });

  it("a pending request ends too, and its requester (who has no message to update) is told why", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "TikTok", account: "@versions", password: fernet.encrypt(OLD_PW) });
    const before = h.slack.calls.length;
    await h.submit("USTAFF", { callback_id: "reveal_reason", private_metadata: JSON.stringify({ id: cred }), values: formValues({ reason: "Thumbnail" }) });
    const id = (await db().revealRequest.findFirstOrThrow({ where: { credentialId: cred } })).id;
    await h.slack.waitFor(() => h.slack.calls.slice(before).find((c) => c.method === "chat.postMessage" && c.args.channel === "USTAFF"));
    expect((await edit(cred, { platform_name: "TikTok Business", account_identifier: "@versions" })).body).toBeNull();
    expect(await db().revealRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "EXPIRED", endReason: "credential_changed" });
    const dm = await h.slack.waitForCall(
      "chat.postMessage",
      (c) => c.args.channel === "USTAFF" && /ended: the credential was changed/.test(String(c.args.text)),
    );
    expect(String(dm.args.text)).toContain("Nothing was revealed");
    const { answer } = await click(h, "UADMIN2", "reveal_approve", id);
    expect(String(answer.text)).toMatch(/was changed/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("EXPIRED");
  });

  it("the edit and the ending are one transaction: if ending cannot be audited, the edit does not happen", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "YouTube", account: "@tx-check", password: fernet.encrypt(OLD_PW) });
    const id = await requestAndApprove(cred, "Upload");
    await db().$executeRawUnsafe(`
      CREATE FUNCTION versions_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.target_model = 'RevealRequest' AND NEW.notes LIKE 'ended:%' THEN RAISE EXCEPTION 'no audit today'; END IF; RETURN NEW; END $$`);
    await db().$executeRawUnsafe(`CREATE TRIGGER versions_refuse BEFORE INSERT ON studio_crm_auditlog FOR EACH ROW EXECUTE FUNCTION versions_refuse()`);
    try {
      await edit(cred, { platform_name: "YouTube", account_identifier: "@tx-check", password: NEW_PW });
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER versions_refuse ON studio_crm_auditlog`);
      await db().$executeRawUnsafe(`DROP FUNCTION versions_refuse()`);
    }
    expect(fernet.decryptString((await db().creatorCredential.findUniqueOrThrow({ where: { id: cred } })).password!)).toBe(OLD_PW);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("APPROVED");
    // The approval still stands for the version it was given for.
    const { answer } = await click(h, "USTAFF", "reveal_once", id);
    expect(text(answer.blocks)).toContain(OLD_PW);
  });

  it("edits of notes and dates (no secret, same account and platform) leave approvals alone", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "Pinterest", account: "@notes-only", password: fernet.encrypt(NOTES_PW) });
    const id = await requestAndApprove(cred, "Pin the launch board");
    const r = await edit(cred, {
      platform_name: "Pinterest",
      account_identifier: "@notes-only",
      notes: "Use the studio phone",
      last_verified_date: "2026-12-01",
      expires_on: "2027-03-01",
    });
    expect(r.body).toBeNull();
    expect(await db().creatorCredential.findUniqueOrThrow({ where: { id: cred } })).toMatchObject({ notes: "Use the studio phone" });
    expect(await db().revealRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "APPROVED", endReason: null });
    const { answer } = await click(h, "USTAFF", "reveal_once", id);
    expect(text(answer.blocks)).toContain(NOTES_PW);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("REVEALED");
  });

  it("defence in depth: a credential changed outside the bot (as a Django save would) after approval is refused by the claim itself", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "Twitter", account: "@django", password: fernet.encrypt(OLD_PW) });
    const id = await requestAndApprove(cred, "Tweet");
    // Django re-saves the row: new tokens, no call to the bot, nothing ends the approval.
    await db().$executeRaw`UPDATE studio_crm_creatorcredential SET password = ${fernet.encrypt(DJANGO_PW)} WHERE id = ${cred}::uuid`;
    const { answer } = await click(h, "USTAFF", "reveal_once", id);
    expect(text(answer)).not.toContain(DJANGO_PW);
    expect(String(answer.text)).toMatch(/was changed/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).revealedAt).toBeNull();
    expect(await db().auditLog.count({ where: { targetId: id, notes: { equals: "refused: Reveal once: credential_changed" } } })).toBe(1);
    // Nor is it offered again in the list.
    const list = await click(h, "USTAFF", "creator_credentials", creatorId);
    expect(buttons(list.answer.blocks).some((b) => b.value === id)).toBe(false);
  });

  it("defence in depth: a request whose credential changed outside the bot cannot be approved", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "Snapchat", account: "@django2", password: fernet.encrypt(OLD_PW) });
    const before = h.slack.calls.length;
    await h.submit("USTAFF", { callback_id: "reveal_reason", private_metadata: JSON.stringify({ id: cred }), values: formValues({ reason: "Story" }) });
    await h.slack.waitFor(() => h.slack.calls.slice(before).find((c) => c.method === "chat.postMessage" && c.args.channel === "USTAFF"));
    const id = (await db().revealRequest.findFirstOrThrow({ where: { credentialId: cred } })).id;
    await db().$executeRaw`UPDATE studio_crm_creatorcredential SET account_identifier = '@someone-else' WHERE id = ${cred}::uuid`;
    const { answer } = await click(h, "UADMIN2", "reveal_approve", id);
    expect(String(answer.text)).toMatch(/was changed/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING");
  });
});
