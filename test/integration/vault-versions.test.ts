import { decryptSecrets, type SecretTokens } from "../../src/features/vault/secret-fields.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { createRevealService } from "../../src/features/vault/reveal-service.js";
import { rotateCredentialKeys } from "../../src/features/vault/key-rotation.js";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import type { Actor } from "../../src/identity/actor.js";
import { insertCredential, makeCreator, newKey } from "../e2e/vault-support.js";

// Credential versions below Slack: what ends an approval (a change the bot did not make, found
// by the sweep) and what must not (re-encrypting under a new key changes tokens, not secrets).

let tdb: TestDatabase;
let staff: Actor;
let admin: Actor;
let creatorId: string;
const OLD = newKey();
const NEW = newKey();
const oldOnly = new MultiFernet(parseFernetKeys(OLD));
const rotated = new MultiFernet(parseFernetKeys(`${NEW},${OLD}`));

async function user(name: string, role: "staff" | "admin"): Promise<Actor> {
  const u = await tdb.db.authUser.create({
    data: {
      password: "!x",
      isSuperuser: false,
      username: name,
      firstName: name,
      lastName: "",
      email: `${name}@versions.test`,
      isStaff: false,
      isActive: true,
      dateJoined: new Date(),
    },
  });
  await tdb.db.slackUser.create({ data: { slackUserId: `U${name.toUpperCase()}`, slackTeamId: "T0", userId: u.id } });
  return { userId: u.id, email: u.email, role, slackUserId: `U${name.toUpperCase()}`, slackTeamId: "T0", displayName: name };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  staff = await user("verstaff", "staff");
  admin = await user("veradmin", "admin");
  creatorId = await makeCreator(tdb.db, "Versions Co");
});
afterAll(async () => {
  await tdb?.drop();
});

/** The claim's decrypt step, as the reveal use case passes it (no deletion job here). */
const opener = (fernet: MultiFernet) => ({ open: (t: SecretTokens) => decryptSecrets(fernet, t), onRevealed: async () => undefined });

describe("credential versions", () => {
  it("the sweep ends open requests whose credential changed outside the bot, says so, and audits it under the system actor", async () => {
    const svc = createRevealService({ db: tdb.db, approvalTtlMinutes: 15 });
    const changed = await insertCredential(tdb.db, creatorId, { platform: "Sweep changed", password: oldOnly.encrypt("pw-a") });
    const untouched = await insertCredential(tdb.db, creatorId, { platform: "Sweep untouched", password: oldOnly.encrypt("pw-b") });
    const a = await svc.request(staff, changed, "a");
    await svc.decide(admin, a.id, "APPROVED");
    const b = await svc.request(staff, untouched, "b");
    await svc.decide(admin, b.id, "APPROVED");
    await tdb.db.$executeRaw`UPDATE studio_crm_creatorcredential SET password = ${oldOnly.encrypt("pw-a2")} WHERE id = ${changed}::uuid`;

    const swept = await svc.expireStale(async () => undefined);
    expect(swept).toEqual([a.id]);
    expect(await tdb.db.revealRequest.findUniqueOrThrow({ where: { id: a.id }, select: { status: true, endReason: true } })).toEqual({
      status: "EXPIRED",
      endReason: "credential_changed",
    });
    expect((await tdb.db.revealRequest.findUniqueOrThrow({ where: { id: b.id } })).status).toBe("APPROVED");
    const audit = await tdb.db.auditLog.findFirstOrThrow({ where: { targetId: a.id, notes: { startsWith: "ended" } } });
    expect(audit).toMatchObject({ userId: null, userEmail: "system@wavelaunch.bot", notes: "ended: credential changed since the request (outside the bot)" });
    await expect(svc.claim(staff, a.id, opener(oldOnly))).rejects.toThrow(/credential_changed/);
  });

  it("key rotation keeps open approvals: the secret is the same, only its encryption changed", async () => {
    const svc = createRevealService({ db: tdb.db, approvalTtlMinutes: 15 });
    const cred = await insertCredential(tdb.db, creatorId, { platform: "Rotated", password: oldOnly.encrypt("pw-rotated") });
    const r = await svc.request(staff, cred, "after rotation");
    await svc.decide(admin, r.id, "APPROVED");
    const before = (await tdb.db.creatorCredential.findUniqueOrThrow({ where: { id: cred } })).password;
    const summary = await rotateCredentialKeys(tdb.db, rotated);
    expect(summary.failed).toBe(0);
    const after = (await tdb.db.creatorCredential.findUniqueOrThrow({ where: { id: cred } })).password!;
    expect(after).not.toBe(before);
    expect(await svc.expireStale(async () => undefined)).toEqual([]);
    const claimed = await svc.claim(staff, r.id, opener(rotated));
    expect(claimed.kind === "revealed" && claimed.values.password).toBe("pw-rotated");
  });

  it("the version is a fingerprint of stored tokens: no secret and no token in it", async () => {
    const cred = await insertCredential(tdb.db, creatorId, { platform: "Fingerprint", password: oldOnly.encrypt("pw-fp") });
    const svc = createRevealService({ db: tdb.db, approvalTtlMinutes: 15 });
    const r = await svc.request(staff, cred, "fp");
    const row = await tdb.db.revealRequest.findUniqueOrThrow({ where: { id: r.id } });
    expect(row.credentialVersion).toMatch(/^[0-9a-f]{64}$/);
  });
});
