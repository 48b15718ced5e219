import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, TEST_KEY, type Harness } from "../helpers/bot-harness.js";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { buttons, click, djangoDecrypt, formValues, insertCredential, makeCreator, sleep, until } from "./vault-support.js";

// The whole credential flow through signed Slack requests against the running bot:
// add -> list -> request -> approve/deny -> reveal once, and every refusal on the way.

let h: Harness;
let creatorId: string;
const fernet = new MultiFernet(parseFernetKeys(TEST_KEY));

const S = {
  login: "https://login.example.com/?sso=LoginSecret-91c2",
  password: "Pw-é-Sup3r§secret-7f3a <b>&",
  twoFactor: "2FA-111-222\n2FA-333-444",
  apiKeys: '{"key":"AK-live-5e6f7a","secret":"SK-9x8y7z"}',
  editedPassword: "Edited-Pa55-zz91q",
};
// Distinctive pieces, for scans of JSON-encoded transcripts (where \n and & are re-encoded).
const NEEDLES = ["LoginSecret-91c2", "Sup3r§secret-7f3a", "2FA-111-222", "2FA-333-444", "AK-live-5e6f7a", "SK-9x8y7z", "Edited-Pa55-zz91q", "Other-Pw-4k2m"];
/** response_url ids whose (first) answer is an approved reveal: the only place a secret may go. */
const revealResponses = new Set<string>();

beforeAll(async () => {
  h = await startHarness({ REVEAL_MESSAGE_TTL_SECONDS: "1", REVEAL_APPROVAL_TTL_MINUTES: "15" });
  await grantRoles(h, { USTAFF: "staff", USTAFF2: "staff", UMANAGER: "manager", UADMIN2: "admin" });
  creatorId = await makeCreator(h.tdb.db, "Glow Labs");
});
afterAll(async () => {
  await h?.close();
});

const db = () => h.tdb.db;
const text = (x: unknown) => JSON.stringify(x, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
const idOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);

async function addCredential(user: string, values: Record<string, string | null>, cid = creatorId) {
  return h.submit(user, { callback_id: "credential_add", private_metadata: JSON.stringify({ creatorId: cid }), values: formValues(values) });
}

async function requestReveal(user: string, credentialId: string, reason = "Posting the launch reel for the client") {
  const before = h.slack.calls.length;
  const r = await h.submit(user, { callback_id: "reveal_reason", private_metadata: JSON.stringify({ id: credentialId }), values: formValues({ reason }) });
  expect(r.body).toBeNull();
  // The requester's "sent" DM comes after the prompts were posted and stored.
  await h.slack.waitFor(() =>
    h.slack.calls
      .slice(before)
      .find((c) => c.method === "chat.postMessage" && c.args.channel === user && /request to reveal.*(was sent|is recorded)/.test(String(c.args.text))),
  );
  const row = await db().revealRequest.findFirstOrThrow({ where: { credentialId, requesterSlackId: user }, orderBy: { createdAt: "desc" } });
  return row.id;
}

async function reveal(user: string, requestId: string) {
  return click(h, user, "reveal_once", requestId);
}

describe("storing credentials", () => {
  let credId: string;

  it("adds a credential from the modal with every secret encrypted at rest (as Django would store it)", async () => {
    const r = await addCredential("USTAFF", {
      platform_name: "Instagram Business",
      account_identifier: "@glowlabs",
      login_url: S.login,
      password: S.password,
      two_factor_backup_codes: S.twoFactor,
      api_keys: S.apiKeys,
      notes: "Use the studio phone for 2FA",
      last_verified_date: "2026-11-01",
      expires_on: "2027-02-01",
    });
    expect(r.body).toBeNull();
    const row = await db().creatorCredential.findFirstOrThrow({ where: { creatorId, accountIdentifier: "@glowlabs" } });
    credId = row.id;
    for (const [token, plain] of [
      [row.loginUrl, S.login],
      [row.password, S.password],
      [row.twoFactorBackupCodes, S.twoFactor],
      [row.apiKeys, S.apiKeys],
    ] as const) {
      expect(token).toMatch(/^gAAAAA[A-Za-z0-9_-]+=*$/);
      expect(token).not.toContain(plain);
      expect(fernet.decryptString(token!)).toBe(plain);
    }
    // django-encrypted-model-fields (Python's cryptography) reads what the bot wrote.
    expect(djangoDecrypt(TEST_KEY, [row.loginUrl!, row.password!, row.twoFactorBackupCodes!, row.apiKeys!])).toEqual([
      S.login,
      S.password,
      S.twoFactor,
      S.apiKeys,
    ]);
    expect(row).toMatchObject({ platformName: "Instagram Business", notes: "Use the studio phone for 2FA", isActive: true });
    expect(row.lastVerifiedDate?.toISOString().slice(0, 10)).toBe("2026-11-01");
    const audit = await db().auditLog.findFirstOrThrow({ where: { targetId: credId, actionType: "CREATE" } });
    expect(audit.targetModel).toBe("CreatorCredential");
    expect(audit.slackUserId).toBe("USTAFF");
    const changes = audit.changes as Record<string, unknown>;
    expect(changes).toMatchObject({
      platform_name: "Instagram Business",
      account_identifier: "@glowlabs",
      password: "[encrypted]",
      login_url: "[encrypted]",
      api_keys: "[encrypted]",
      two_factor_backup_codes: "[encrypted]",
    });
    expect(text(audit)).not.toContain(row.password!);
  });

  it("stores empty secret inputs as NULL", async () => {
    expect((await addCredential("USTAFF", { platform_name: "TikTok", account_identifier: "@glow.tt", password: "Other-Pw-4k2m" })).body).toBeNull();
    const row = await db().creatorCredential.findFirstOrThrow({ where: { creatorId, platformName: "TikTok" } });
    expect(row).toMatchObject({ loginUrl: null, twoFactorBackupCodes: null, apiKeys: null, notes: null });
    expect(fernet.decryptString(row.password!)).toBe("Other-Pw-4k2m");
  });

  it("answers invalid input and duplicates with inline errors that never echo the input", async () => {
    const bad = await addCredential("USTAFF", {
      platform_name: "",
      account_identifier: "@x",
      login_url: "not a url SK-9x8y7z",
      api_keys: "AK-live-5e6f7a not json",
    });
    expect(bad.body).toMatchObject({ response_action: "errors" });
    const errors = (bad.body as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors).sort()).toEqual(["api_keys", "login_url", "platform_name"]);
    expect(text(errors)).not.toMatch(/SK-9x8y7z|AK-live/);
    const dup = await addCredential("USTAFF2", { platform_name: "Instagram Business", account_identifier: "@glowlabs", password: "whatever-1" });
    expect(dup.body).toMatchObject({ response_action: "errors", errors: { account_identifier: expect.stringMatching(/already has a credential/) } });
    expect(await db().creatorCredential.count({ where: { creatorId, accountIdentifier: "@glowlabs" } })).toBe(1);
  });

  it("/wl creds lists metadata only, with Request reveal and Add credential; admins also get Edit and a confirmed Deactivate", async () => {
    const { responseUrl } = await h.command("USTAFF", "creds glow labs");
    const answer = await answerTo(h, responseUrl);
    expect(answer.response_type).toBe("ephemeral");
    const body = text(answer);
    expect(body).toContain("Instagram Business");
    expect(body).toContain("@glowlabs");
    expect(body).toContain("verified 2026-11-01");
    expect(body).toContain("expires 2027-02-01");
    const staffButtons = buttons(answer.blocks);
    expect(staffButtons.filter((b) => b.action_id === "reveal_request").map((b) => b.value)).toContain(credId);
    expect(staffButtons.find((b) => b.action_id === "credential_add")).toMatchObject({ value: creatorId, text: "Add credential" });
    expect(staffButtons.some((b) => b.action_id === "credential_edit" || b.action_id === "credential_deactivate")).toBe(false);

    const admin = await answerTo(h, (await h.command("UADMIN", "creds Glow Labs")).responseUrl);
    const adminButtons = buttons(admin.blocks);
    expect(adminButtons.find((b) => b.action_id === "credential_edit" && b.value === credId)).toBeTruthy();
    expect(adminButtons.find((b) => b.action_id === "credential_deactivate" && b.value === credId)?.confirm).toBeTruthy();
    expect(await db().auditLog.count({ where: { slackUserId: "USTAFF", actionType: "VIEW", targetId: creatorId } })).toBeGreaterThan(0);
  });

  it("the card's Credentials button shows the same list", async () => {
    const { answer } = await click(h, "USTAFF", "creator_credentials", creatorId);
    expect(buttons(answer.blocks).map((b) => b.action_id)).toContain("reveal_request");
    expect(text(answer)).toContain("@glowlabs");
  });

  it("Add credential opens the modal with block_id = action_id = column name", async () => {
    const before = h.slack.callsTo("views.open").length;
    await h.action("USTAFF", { action_id: "credential_add", value: creatorId });
    // trigger_id lives 3 s: a loading modal opens at once and becomes the form.
    await h.slack.waitFor(() => h.slack.callsTo("views.open").length > before && h.slack.callsTo("views.update").length > 0);
    const view = h.slack.callsTo("views.update").at(-1)!.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { type: string; block_id?: string; element?: { action_id: string } }[];
    };
    expect(view.callback_id).toBe("credential_add");
    expect(JSON.parse(view.private_metadata)).toEqual({ creatorId });
    const inputs = view.blocks.filter((b) => b.type === "input");
    expect(inputs.map((b) => b.block_id)).toEqual([
      "platform_name",
      "account_identifier",
      "login_url",
      "password",
      "two_factor_backup_codes",
      "api_keys",
      "notes",
      "last_verified_date",
      "expires_on",
    ]);
    for (const b of inputs) expect(b.element?.action_id).toBe(b.block_id);
  });

  it("admin edit: an empty secret keeps its value; the audit marks changed secrets only as changed", async () => {
    const before = await db().creatorCredential.findUniqueOrThrow({ where: { id: credId } });
    await h.action("UADMIN", { action_id: "credential_edit", value: credId });
    const upd = await h.slack.waitForCall("views.update", (c) => (c.args.view as { callback_id?: string }).callback_id === "credential_edit");
    expect(text(upd.args)).not.toMatch(/Sup3r|LoginSecret|gAAAAA/);
    const r = await h.submit("UADMIN", {
      callback_id: "credential_edit",
      private_metadata: JSON.stringify({ credentialId: credId }),
      values: formValues({
        platform_name: "Instagram Business",
        account_identifier: "@glowlabs",
        password: S.editedPassword,
        notes: "Studio phone (ext. 12)",
        last_verified_date: "2026-11-20",
        expires_on: "2027-02-01",
      }),
    });
    expect(r.body).toBeNull();
    const after = await db().creatorCredential.findUniqueOrThrow({ where: { id: credId } });
    expect(fernet.decryptString(after.password!)).toBe(S.editedPassword);
    expect(after.loginUrl).toBe(before.loginUrl);
    expect(after.apiKeys).toBe(before.apiKeys);
    expect(after.twoFactorBackupCodes).toBe(before.twoFactorBackupCodes);
    const audit = await db().auditLog.findFirstOrThrow({
      where: { targetId: credId, actionType: "UPDATE", slackUserId: "UADMIN" },
      orderBy: { timestamp: "desc" },
    });
    expect(audit.changes).toEqual({
      password: { changed: true },
      notes: { from: "Use the studio phone for 2FA", to: "Studio phone (ext. 12)" },
      last_verified_date: { from: "2026-11-01", to: "2026-11-20" },
    });
  });

  it("refuses the edit and deactivate buttons and form to staff", async () => {
    const { answer } = await click(h, "USTAFF", "credential_deactivate", credId);
    expect(String(answer.text)).toMatch(/needs the \*admin\* role/);
    const r = await h.submit("USTAFF", {
      callback_id: "credential_edit",
      private_metadata: JSON.stringify({ credentialId: credId }),
      values: formValues({ platform_name: "X", account_identifier: "y", password: "hijack-1" }),
    });
    expect(r.status).toBe(200);
    expect((await db().creatorCredential.findUniqueOrThrow({ where: { id: credId } })).platformName).toBe("Instagram Business");
  });
});

describe("request, approve, reveal once", () => {
  let credId: string;
  let requestId: string;

  beforeAll(async () => {
    credId = (await db().creatorCredential.findFirstOrThrow({ where: { creatorId, accountIdentifier: "@glowlabs" } })).id;
  });

  it("Request reveal opens the reason modal for that credential", async () => {
    await h.action("USTAFF", { action_id: "reveal_request", value: credId });
    const filled = await h.slack.waitForCall(
      "views.update",
      (c) => text(c.args.view).includes("@glowlabs") && (c.args.view as { callback_id?: string }).callback_id === "reveal_reason",
    );
    expect(text(filled.args.view)).toContain('"block_id":"reason"');
    expect(JSON.parse((filled.args.view as { private_metadata: string }).private_metadata)).toEqual({ id: credId });
  });

  it("a reason is required", async () => {
    const r = await h.submit("USTAFF", {
      callback_id: "reveal_reason",
      private_metadata: JSON.stringify({ id: credId }),
      values: formValues({ reason: "   " }),
    });
    expect(r.body).toMatchObject({ response_action: "errors", errors: { reason: expect.any(String) } });
    expect(await db().revealRequest.count({ where: { credentialId: credId } })).toBe(0);
  });

  it("records a PENDING request, DMs every admin with Approve/Deny (stored for later updates) and tells the requester", async () => {
    requestId = await requestReveal("USTAFF", credId);
    const row = await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(row.status).toBe("PENDING");
    expect(row.reason).toBe("Posting the launch reel for the client");
    const prompts = h.slack
      .callsTo("chat.postMessage")
      .filter((c) => buttons(c.args.blocks).some((b) => b.action_id === "reveal_approve" && b.value === requestId));
    expect(prompts.map((c) => c.args.channel).sort()).toEqual(["UADMIN", "UADMIN2"]);
    for (const p of prompts) {
      expect(buttons(p.args.blocks).map((b) => [b.action_id, b.text])).toEqual([
        ["reveal_approve", "Approve"],
        ["reveal_deny", "Deny"],
      ]);
      expect(text(p.args)).toContain("Posting the launch reel");
    }
    await until(async () => ((await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } })).approvalMessages as unknown[]).length === 2);
    const stored = (await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } })).approvalMessages as {
      channel: string;
      ts: string;
      kind: string;
    }[];
    expect(stored.map((m) => m.kind)).toEqual(["approval", "approval"]);
    expect((await db().auditLog.findFirstOrThrow({ where: { targetId: requestId, actionType: "CREATE" } })).changes).toMatchObject({
      status: "PENDING",
      credential_id: credId,
    });
  });

  it("refuses Approve from someone who is not an admin, and audits the refusal", async () => {
    const { answer } = await click(h, "USTAFF2", "reveal_approve", requestId);
    expect(String(answer.text)).toMatch(/needs the \*admin\* role/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("PENDING");
    expect(await db().auditLog.count({ where: { slackUserId: "USTAFF2", notes: { contains: "refused" } } })).toBeGreaterThan(0);
  });

  it("Reveal once before approval reveals nothing", async () => {
    const { answer } = await reveal("USTAFF", requestId);
    expect(String(answer.text)).toMatch(/hasn't been approved/);
  });

  it("approval by another admin: APPROVED until now + TTL (database clock), prompts lose their buttons, the requester gets Reveal once", async () => {
    const updatesBefore = h.slack.callsTo("chat.update").length;
    const { answer } = await click(h, "UADMIN2", "reveal_approve", requestId);
    expect(String(answer.text)).toMatch(/Approved/);
    const row = await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(row.status).toBe("APPROVED");
    const admin2 = await db().authUser.findFirstOrThrow({ where: { email: "alan@studio.test" } });
    expect(row.decidedById).toBe(admin2.id);
    const ttlMs = row.expiresAt!.getTime() - row.decidedAt!.getTime();
    expect(ttlMs).toBe(15 * 60_000);
    const updates = h.slack.callsTo("chat.update").slice(updatesBefore);
    const stored = row.approvalMessages as { channel: string; ts: string; kind: string }[];
    for (const m of stored.filter((x) => x.kind === "approval")) {
      const u = updates.find((c) => c.args.channel === m.channel && c.args.ts === m.ts);
      expect(u, `update of ${m.channel}`).toBeTruthy();
      expect(buttons(u!.args.blocks)).toEqual([]);
      expect(text(u!.args.blocks)).toMatch(/Approved by <@UADMIN2>/);
    }
    // A kept DM (no button: it becomes the receipt), then in that DM an ephemeral `Reveal once`.
    const grant = await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && /was approved/.test(String(c.args.text)));
    expect(buttons(grant.args.blocks)).toEqual([]);
    const offer = await h.slack.waitForCall("chat.postEphemeral", (c) => c.args.user === "USTAFF" && buttons(c.args.blocks).some((b) => b.value === requestId));
    expect(offer.args.channel).toBe(grant.args.channel);
    expect(buttons(offer.args.blocks)).toEqual([expect.objectContaining({ action_id: "reveal_once", value: requestId, text: "Reveal once" })]);
    const audit = await db().auditLog.findFirstOrThrow({ where: { targetId: requestId, actionType: "UPDATE", slackUserId: "UADMIN2" } });
    expect(audit.changes).toMatchObject({ status: { from: "PENDING", to: "APPROVED" } });
  });

  it("a second decision is refused (decisions are final)", async () => {
    const { answer } = await click(h, "UADMIN", "reveal_deny", requestId);
    expect(String(answer.text)).toMatch(/already decided/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("APPROVED");
  });

  it("a click by anyone else reveals nothing, the admin who approved included", async () => {
    for (const u of ["USTAFF2", "UADMIN2", "UADMIN"]) {
      const { answer } = await reveal(u, requestId);
      expect(String(answer.text), u).toMatch(/Only the person who asked/);
      expect(text(answer)).not.toMatch(/Sup3r|Edited-Pa55/);
    }
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("APPROVED");
  });

  it("/wl creds offers the requester (only) `Reveal once` for an unused approval, in place of Request reveal", async () => {
    const mine = await answerTo(h, (await h.command("USTAFF", "creds Glow Labs")).responseUrl);
    expect(buttons(mine.blocks).find((b) => b.value === requestId)).toMatchObject({ action_id: "reveal_once", text: "Reveal once" });
    expect(buttons(mine.blocks).some((b) => b.action_id === "reveal_request" && b.value === credId)).toBe(false);
    const theirs = await answerTo(h, (await h.command("USTAFF2", "creds Glow Labs")).responseUrl);
    expect(buttons(theirs.blocks).some((b) => b.value === requestId)).toBe(false);
    expect(buttons(theirs.blocks).some((b) => b.action_id === "reveal_request" && b.value === credId)).toBe(true);
  });

  it("a click on a stored (non-ephemeral) message claims nothing and offers an ephemeral `Reveal once` instead", async () => {
    const { answer } = await click(h, "USTAFF", "reveal_once", requestId, {
      container: { type: "message", message_ts: "1700000000.000900", channel_id: "DSTAFF", is_ephemeral: false },
    });
    expect(answer).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(buttons(answer.blocks)).toEqual([expect.objectContaining({ action_id: "reveal_once", value: requestId })]);
    expect(text(answer)).not.toMatch(/Edited-Pa55|LoginSecret/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe("APPROVED");
  });

  it("reveals once to the requester by replacing the clicked ephemeral message, then deletes it with the same response_url", async () => {
    const { responseUrl, answer } = await reveal("USTAFF", requestId);
    revealResponses.add(idOf(responseUrl));
    // replace_original on an ephemeral message keeps it ephemeral; delete_original then removes this very message.
    expect(answer).toMatchObject({ response_type: "ephemeral", replace_original: true });
    const shown = text(answer.blocks);
    for (const v of [S.editedPassword, S.login, S.apiKeys, S.twoFactor]) expect(shown).toContain(JSON.stringify(v).slice(1, -1));
    expect(String(answer.text)).not.toMatch(/Edited-Pa55/); // the notification text carries no secret
    const row = await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(row.status).toBe("REVEALED");
    expect(row.revealedAt).toBeInstanceOf(Date);
    const view = await db().auditLog.findFirstOrThrow({ where: { targetId: credId, actionType: "VIEW", notes: { contains: "revealed once" } } });
    expect(view.slackUserId).toBe("USTAFF");
    expect(view.changes).toEqual({ revealed: ["login_url", "password", "two_factor_backup_codes", "api_keys"] });
    // REVEAL_MESSAGE_TTL_SECONDS=1 here.
    const del = await h.slack.waitFor(() => h.slack.responses.find((r) => r.id === idOf(responseUrl) && r.body.delete_original === true), 5_000);
    expect(del.body).toEqual({ delete_original: true });
  });

  it("the receipt: prompts and the requester's DM show who approved and when it was revealed; /wl creds too", async () => {
    const row = await db().revealRequest.findUniqueOrThrow({ where: { id: requestId } });
    const stored = row.approvalMessages as { channel: string; ts: string; kind: string }[];
    expect(stored.map((m) => m.kind).sort()).toEqual(["approval", "approval", "grant"]);
    for (const m of stored) {
      const last = h.slack
        .callsTo("chat.update")
        .filter((c) => c.args.channel === m.channel && c.args.ts === m.ts)
        .at(-1);
      expect(text(last?.args.blocks), m.kind).toMatch(/Approved by <@UADMIN2>.*Revealed at .* by <@USTAFF>/);
      expect(buttons(last!.args.blocks)).toEqual([]);
    }
    const list = await answerTo(h, (await h.command("USTAFF", "creds Glow Labs")).responseUrl);
    expect(text(list.blocks)).toMatch(/Last revealed to <@USTAFF>.*approved by <@UADMIN2>/);
  });

  it("every later click is refused: once means once", async () => {
    for (let i = 0; i < 3; i++) {
      const { answer } = await reveal("USTAFF", requestId);
      expect(String(answer.text)).toMatch(/already revealed once/);
    }
  });
});

describe("refusals", () => {
  let credId: string;
  beforeAll(async () => {
    credId = (await db().creatorCredential.findFirstOrThrow({ where: { creatorId, platformName: "TikTok" } })).id;
  });

  it("no self-approval: an admin's own request needs another admin (and is not sent to them)", async () => {
    const id = await requestReveal("UADMIN", credId, "Checking the TikTok login for an audit");
    const prompts = h.slack.callsTo("chat.postMessage").filter((c) => buttons(c.args.blocks).some((b) => b.value === id && b.action_id === "reveal_approve"));
    expect(prompts.map((c) => c.args.channel)).toEqual(["UADMIN2"]);
    const { answer } = await click(h, "UADMIN", "reveal_approve", id);
    expect(String(answer.text)).toMatch(/can't decide your own/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING");
    await click(h, "UADMIN2", "reveal_approve", id);
    const { responseUrl, answer: shown } = await reveal("UADMIN", id);
    revealResponses.add(idOf(responseUrl));
    expect(text(shown.blocks)).toContain("Other-Pw-4k2m");
  });

  it("denied: the requester is told, and Reveal once reveals nothing", async () => {
    const id = await requestReveal("USTAFF", credId, "Need it for a post");
    await click(h, "UADMIN2", "reveal_deny", id);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("DENIED");
    await h.slack.waitForCall("chat.postMessage", (c) => c.args.channel === "USTAFF" && /was denied by <@UADMIN2>/.test(String(c.args.text)));
    const { answer } = await reveal("USTAFF", id);
    expect(String(answer.text)).toMatch(/was denied/);
    const again = await click(h, "UADMIN", "reveal_approve", id);
    expect(String(again.answer.text)).toMatch(/already decided/);
  });

  it("expired approval (database clock): refused, marked EXPIRED and audited, nothing revealed", async () => {
    const id = await requestReveal("USTAFF", credId, "Expiry check");
    await click(h, "UADMIN2", "reveal_approve", id);
    await db().$executeRaw`UPDATE wl_reveal_request SET expires_at = now() - interval '1 second' WHERE id = ${id}::uuid`;
    const { answer } = await reveal("USTAFF", id);
    expect(String(answer.text)).toMatch(/expired/);
    expect(text(answer)).not.toContain("Other-Pw-4k2m");
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("EXPIRED");
    const audit = await db().auditLog.findFirstOrThrow({ where: { targetId: id, actionType: "UPDATE", notes: { contains: "expired" } } });
    expect(audit.changes).toEqual({ status: { from: "APPROVED", to: "EXPIRED" } });
  });

  it("the app clock does not extend an approval: moving it back changes nothing (expiry is the database's call)", async () => {
    const id = await requestReveal("USTAFF", credId, "Clock check");
    await click(h, "UADMIN2", "reveal_approve", id);
    await db().$executeRaw`UPDATE wl_reveal_request SET expires_at = now() - interval '1 second' WHERE id = ${id}::uuid`;
    h.clock.set(new Date(Date.now() - 3_600_000));
    try {
      const { answer } = await reveal("USTAFF", id);
      expect(String(answer.text)).toMatch(/expired/);
    } finally {
      h.clock.set(new Date());
    }
  });

  it("an expired PENDING request can't be approved", async () => {
    const id = await requestReveal("USTAFF", credId, "Pending expiry");
    await db().$executeRaw`UPDATE wl_reveal_request SET expires_at = now() - interval '1 second' WHERE id = ${id}::uuid`;
    const { answer } = await click(h, "UADMIN2", "reveal_approve", id);
    expect(String(answer.text)).toMatch(/expired/);
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("EXPIRED");
  });

  it("repeated refused clicks are audited without flooding: one row per user and request per minute", async () => {
    const id = await requestReveal("USTAFF", credId, "Flood check");
    await click(h, "UADMIN2", "reveal_approve", id);
    const rows = () => db().auditLog.findMany({ where: { targetId: id, slackUserId: "USTAFF2", notes: { startsWith: "refused" } } });
    for (let i = 0; i < 6; i++) await reveal("USTAFF2", id);
    expect(await rows()).toHaveLength(1);
    h.clock.set(new Date(Date.now() + 61_000));
    try {
      await reveal("USTAFF2", id);
    } finally {
      h.clock.set(new Date());
    }
    const after = await rows();
    // The window's count is written when it closes; then the new refusal opens another.
    expect(after).toHaveLength(3);
    expect(after.map((r) => r.notes).join(" ")).toMatch(/refused 5 more time\(s\)/);
    const { responseUrl } = await reveal("USTAFF", id);
    revealResponses.add(idOf(responseUrl));
  });

  it("at most 3 pending requests per user at once: the 4th is refused inline and audited", async () => {
    const creds = await Promise.all(
      [1, 2, 3, 4].map((n) => insertCredential(db(), creatorId, { platform: `Platform ${n}`, password: fernet.encrypt(`limit-pw-${n}`) })),
    );
    for (const c of creds.slice(0, 3)) await requestReveal("UMANAGER", c, "Batch work");
    const r = await h.submit("UMANAGER", {
      callback_id: "reveal_reason",
      private_metadata: JSON.stringify({ id: creds[3] }),
      values: formValues({ reason: "One more" }),
    });
    expect(r.body).toMatchObject({ response_action: "errors", errors: { reason: expect.stringMatching(/already have 3 reveal requests waiting/) } });
    expect(await db().revealRequest.count({ where: { requesterSlackId: "UMANAGER", status: "PENDING" } })).toBe(3);
    expect(await db().auditLog.count({ where: { targetId: creds[3], notes: { startsWith: "refused: You already have 3 reveal requests waiting" } } })).toBe(1);
    // The same credential twice is a duplicate, not a new request.
    const dup = await h.submit("UMANAGER", {
      callback_id: "reveal_reason",
      private_metadata: JSON.stringify({ id: creds[0] }),
      values: formValues({ reason: "Again" }),
    });
    expect(dup.body).toMatchObject({ response_action: "errors", errors: { reason: expect.stringMatching(/already have an open request/) } });
  });

  it("/wl approvals lists pending requests with Approve and Deny, for admins only", async () => {
    const list = await answerTo(h, (await h.command("UADMIN", "approvals")).responseUrl);
    const approve = buttons(list.blocks).filter((b) => b.action_id === "reveal_approve");
    expect(approve.length).toBeGreaterThanOrEqual(3);
    expect(buttons(list.blocks).filter((b) => b.action_id === "reveal_deny")).toHaveLength(approve.length);
    const staff = await answerTo(h, (await h.command("USTAFF", "approvals")).responseUrl);
    expect(String(staff.text)).toMatch(/needs the \*admin\* role/);
    // Approving from the list replaces the entry and frees the requester's slot.
    const pending = await db().revealRequest.findFirstOrThrow({ where: { requesterSlackId: "UMANAGER", status: "PENDING" } });
    const { answer } = await click(h, "UADMIN", "reveal_approve", pending.id);
    expect(answer.replace_original).toBe(true);
    expect(String(answer.text)).toMatch(/Approved/);
  });

  it("deactivating a credential (admin) expires its open requests and unused grants; it can no longer be requested", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "YouTube", account: "glowlabs-yt", password: fernet.encrypt("yt-pw-deact") });
    const granted = await requestReveal("USTAFF", cred, "Upload");
    await click(h, "UADMIN2", "reveal_approve", granted);
    const pending = await requestReveal("USTAFF2", cred, "Thumbnail");
    const { answer } = await click(h, "UADMIN", "credential_deactivate", cred);
    expect(answer.replace_original).toBe(true);
    expect(text(answer)).toMatch(/Deactivated/);
    expect((await db().creatorCredential.findUniqueOrThrow({ where: { id: cred } })).isActive).toBe(false);
    for (const id of [granted, pending]) expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("EXPIRED");
    const shown = await reveal("USTAFF", granted);
    expect(String(shown.answer.text)).toMatch(/expired|deactivated/);
    const again = await click(h, "UADMIN", "credential_deactivate", cred);
    expect(String(again.answer.text)).toMatch(/already deactivated/);
    const r = await h.submit("USTAFF", {
      callback_id: "reveal_reason",
      private_metadata: JSON.stringify({ id: cred }),
      values: formValues({ reason: "Try anyway" }),
    });
    expect(r.body).toMatchObject({ response_action: "errors", errors: { reason: expect.stringMatching(/deactivated/) } });
  });

  it("a forged button value is refused without touching the database", async () => {
    const { answer } = await reveal("USTAFF", "'; DROP TABLE wl_reveal_request; --");
    expect(String(answer.text)).toMatch(/out of date/);
    await sleep(10);
    expect(await db().revealRequest.count()).toBeGreaterThan(0);
  });
});

describe("no leaks", () => {
  it("no secret (or token) in any log line, audit row, or Slack call other than the approved ephemeral reveals", async () => {
    await sleep(1_500); // let the delete timers fire, so their calls are scanned too
    const tokens = (await db().creatorCredential.findMany())
      .flatMap((c) => [c.loginUrl, c.password, c.twoFactorBackupCodes, c.apiKeys])
      .filter((t): t is string => !!t);
    expect(tokens.length).toBeGreaterThan(5);
    const logs = h.logs.text();
    const audit = text(await db().auditLog.findMany());
    const slack = JSON.stringify({
      calls: h.slack.calls,
      responses: h.slack.responses.filter((r) => !(revealResponses.has(r.id) && r.body.response_type === "ephemeral" && r.body.replace_original === true)),
    });
    expect(revealResponses.size).toBeGreaterThanOrEqual(3);
    expect(logs.length).toBeGreaterThan(1000);
    for (const [name, hay] of Object.entries({ logs, audit, slack })) {
      for (const n of [...NEEDLES, "limit-pw-", "yt-pw-deact"]) expect(hay.includes(n), `${n} in ${name}`).toBe(false);
      for (const t of tokens) expect(hay.includes(t), `a token in ${name}`).toBe(false);
    }
    // The reveals did go out, as ephemeral responses only.
    const shown = h.slack.responses.filter((r) => NEEDLES.some((n) => JSON.stringify(r.body).includes(n)));
    expect(shown.length).toBe(shown.filter((r) => revealResponses.has(r.id) && r.body.response_type === "ephemeral").length);
  });
});
