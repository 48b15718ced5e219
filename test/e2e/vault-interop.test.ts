import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRoles, startHarness, TEST_KEY, type Harness } from "../helpers/bot-harness.js";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { click, djangoDecrypt, djangoEncrypt, formValues, insertCredential, makeCreator, newKey } from "./vault-support.js";

// The bot and Django (django-encrypted-model-fields on Python's cryptography) share the
// credential table: each reads what the other wrote. And the two fail-closed guarantees:
// an undecryptable token is never shown, and a reveal whose audit row can't be written reveals nothing.

let h: Harness;
let creatorId: string;
const fernet = new MultiFernet(parseFernetKeys(TEST_KEY));
const db = () => h.tdb.db;
const vectors = JSON.parse(readFileSync(new URL("../fixtures/fernet/verify.json", import.meta.url), "utf8")) as {
  token: string;
  src: string;
  secret: string;
}[];

beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", UADMIN2: "admin" });
  creatorId = await makeCreator(h.tdb.db, "Interop Co");
});
afterAll(async () => {
  await h?.close();
});

async function approvedRequest(credentialId: string): Promise<string> {
  const r = await h.submit("USTAFF", {
    callback_id: "reveal_reason",
    private_metadata: JSON.stringify({ id: credentialId }),
    values: formValues({ reason: "interop" }),
  });
  expect(r.body).toBeNull();
  const { id } = await db().revealRequest.findFirstOrThrow({ where: { credentialId, requesterSlackId: "USTAFF" }, orderBy: { createdAt: "desc" } });
  await click(h, "UADMIN", "reveal_approve", id);
  expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("APPROVED");
  return id;
}

const PY = {
  login: "https://accounts.example.com/login?next=/dashboard&PyLogin-7c1",
  password: "Py-Pässwörd-🎉-日本-x91",
  twoFactor: "PY2FA-0001 PY2FA-0002",
  apiKeys: '{"pykey": "PyKey-aa11"}',
};

describe("interoperability with django-encrypted-model-fields", () => {
  it("reveals a row Python's cryptography wrote (MultiFernet, token text of the UTF-8 value)", async () => {
    const [login, password, twoFactor, apiKeys] = djangoEncrypt(TEST_KEY, [PY.login, PY.password, PY.twoFactor, PY.apiKeys]);
    const cred = await insertCredential(db(), creatorId, {
      platform: "Django-written",
      loginUrl: login!,
      password: password!,
      twoFactor: twoFactor!,
      apiKeys: apiKeys!,
    });
    const id = await approvedRequest(cred);
    const { answer } = await click(h, "USTAFF", "reveal_once", id);
    const shown = JSON.stringify(answer.blocks);
    for (const v of Object.values(PY)) expect(shown).toContain(JSON.stringify(v).slice(1, -1));
  });

  it("reveals the Fernet spec's verify vector stored as a password (the harness key is the vector's key)", async () => {
    const v = vectors[0]!;
    expect(v.secret).toBe(TEST_KEY);
    const cred = await insertCredential(db(), creatorId, { platform: "Spec vector", password: v.token });
    const id = await approvedRequest(cred);
    const { answer } = await click(h, "USTAFF", "reveal_once", id);
    expect(JSON.stringify(answer.blocks)).toContain(`"text":"${v.src}"`);
  });

  it("Python decrypts what the bot wrote through the Add credential modal", async () => {
    const values = {
      password: "Bot-Written-ñ-42",
      login_url: "https://bot.example.com/login",
      api_keys: '{"k":"BotKey-77"}',
      two_factor_backup_codes: "BOT-1 BOT-2",
    };
    const r = await h.submit("USTAFF", {
      callback_id: "credential_add",
      private_metadata: JSON.stringify({ creatorId }),
      values: formValues({ platform_name: "Bot-written", account_identifier: "bot@interop.test", ...values }),
    });
    expect(r.body).toBeNull();
    const row = await db().creatorCredential.findFirstOrThrow({ where: { platformName: "Bot-written" } });
    expect(djangoDecrypt(TEST_KEY, [row.password!, row.loginUrl!, row.apiKeys!, row.twoFactorBackupCodes!])).toEqual([
      values.password,
      values.login_url,
      values.api_keys,
      values.two_factor_backup_codes,
    ]);
  });
});

describe("fail closed", () => {
  it("a token no configured key opens is reported and audited, never shown (neither value nor token)", async () => {
    const [foreign] = djangoEncrypt(newKey(), ["Foreign-Key-Secret-5d"]);
    const cred = await insertCredential(db(), creatorId, {
      platform: "Foreign key",
      password: foreign!,
      loginUrl: fernet.encrypt("https://ok.example.com/FailClosedLogin"),
    });
    const id = await approvedRequest(cred);
    const { answer } = await click(h, "USTAFF", "reveal_once", id);
    expect(String(answer.text)).toMatch(/could not be decrypted with any configured key, so nothing was shown/);
    const all = JSON.stringify(h.slack.responses) + JSON.stringify(h.slack.calls);
    for (const leak of [foreign!, "Foreign-Key-Secret-5d", "FailClosedLogin"]) expect(all).not.toContain(leak);
    const audit = await db().auditLog.findFirstOrThrow({ where: { targetId: cred, notes: { startsWith: "reveal failed closed" } } });
    expect(audit.changes).toEqual({ undecryptable: ["password"] });
    expect(h.logs.text()).toMatch(/reveal failed closed/);
    expect(h.logs.text()).not.toContain(foreign!);
  });

  it("text that is not a token at all (Django would hand it back raw) is never shown either", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "Raw text", password: "Raw-Plaintext-Not-A-Token-3e" });
    const id = await approvedRequest(cred);
    const { answer } = await click(h, "USTAFF", "reveal_once", id);
    expect(String(answer.text)).toMatch(/nothing was shown/);
    expect(JSON.stringify(h.slack.responses) + JSON.stringify(h.slack.calls)).not.toContain("Raw-Plaintext-Not-A-Token-3e");
  });

  it("if the reveal's audit row cannot be written, nothing is revealed and the grant stays usable", async () => {
    const cred = await insertCredential(db(), creatorId, { platform: "Audit outage", password: fernet.encrypt("Audit-Outage-Pw-8b") });
    const id = await approvedRequest(cred);
    await db().$executeRawUnsafe(`
      CREATE FUNCTION vault_test_refuse_reveal_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.notes LIKE 'secret revealed once%' THEN RAISE EXCEPTION 'audit store unavailable'; END IF;
        RETURN NEW;
      END $$`);
    await db().$executeRawUnsafe(
      `CREATE TRIGGER vault_test_refuse_reveal_audit BEFORE INSERT ON studio_crm_auditlog FOR EACH ROW EXECUTE FUNCTION vault_test_refuse_reveal_audit()`,
    );
    try {
      const { answer } = await click(h, "USTAFF", "reveal_once", id);
      expect(String(answer.text)).toMatch(/couldn't record the reveal.*nothing was shown.*still valid/);
      expect(JSON.stringify(answer)).not.toContain("Audit-Outage-Pw-8b");
      const row = await db().revealRequest.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe("APPROVED");
      expect(row.revealedAt).toBeNull();
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER vault_test_refuse_reveal_audit ON studio_crm_auditlog`);
      await db().$executeRawUnsafe(`DROP FUNCTION vault_test_refuse_reveal_audit()`);
    }
    const { answer } = await click(h, "USTAFF", "reveal_once", id);
    expect(JSON.stringify(answer.blocks)).toContain("Audit-Outage-Pw-8b");
    expect((await db().revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("REVEALED");
    expect(JSON.stringify(h.slack.responses.filter((r) => JSON.stringify(r.body).includes("Audit-Outage-Pw-8b")))).toMatch(/"response_type":"ephemeral"/);
    expect(h.slack.responses.filter((r) => JSON.stringify(r.body).includes("Audit-Outage-Pw-8b"))).toHaveLength(1);
  });

  it("leak scan: logs and audit rows hold none of this file's secrets or tokens", async () => {
    const tokens = (await db().creatorCredential.findMany())
      .flatMap((c) => [c.loginUrl, c.password, c.twoFactorBackupCodes, c.apiKeys])
      .filter((t): t is string => !!t);
    const audit = JSON.stringify(await db().auditLog.findMany({ select: { changes: true, notes: true, targetDisplay: true } }));
    const logs = h.logs.text();
    for (const hay of [logs, audit]) {
      for (const s of [
        "PyLogin-7c1",
        "Pässwörd",
        "PY2FA-0001",
        "PyKey-aa11",
        "Bot-Written",
        "BotKey-77",
        "Foreign-Key-Secret-5d",
        "FailClosedLogin",
        "Raw-Plaintext-Not-A-Token-3e",
        "Audit-Outage-Pw-8b",
      ]) {
        expect(hay).not.toContain(s);
      }
      for (const t of tokens) expect(hay).not.toContain(t);
    }
  });
});
