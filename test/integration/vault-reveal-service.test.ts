import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { createRevealService } from "../../src/features/vault/reveal-service.js";
import type { Actor } from "../../src/identity/actor.js";
import { insertCredential, makeCreator } from "../e2e/vault-support.js";

// The reveal service against real Postgres, below Slack: the expiry sweep and its race.

let tdb: TestDatabase;
let staff: Actor;
let admin: Actor;
let credentialId: string;

async function user(name: string, role: "staff" | "admin"): Promise<Actor> {
  const u = await tdb.db.authUser.create({
    data: {
      password: "!x",
      isSuperuser: false,
      username: name,
      firstName: name,
      lastName: "",
      email: `${name}@svc.test`,
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
  staff = await user("svcstaff", "staff");
  admin = await user("svcadmin", "admin");
  const creatorId = await makeCreator(tdb.db, "Service Co");
  credentialId = await insertCredential(tdb.db, creatorId, { password: null });
});
afterAll(async () => {
  await tdb?.drop();
});

describe("reveal service", () => {
  it("race: concurrent expiry sweeps (several replicas) expire each stale request once, audited under the system actor", async () => {
    const svc = createRevealService({ db: tdb.db, approvalTtlMinutes: 15 });
    const creatorId = (await tdb.db.creatorCredential.findUniqueOrThrow({ where: { id: credentialId } })).creatorId;
    const creds = await Promise.all([1, 2, 3].map((n) => insertCredential(tdb.db, creatorId, { platform: `Sweep ${n}` })));
    const stalePending = await svc.request(staff, creds[0]!, "sweep pending");
    const staleApproved = await svc.request(staff, creds[1]!, "sweep approved");
    await svc.decide(admin, staleApproved.id, "APPROVED");
    const live = await svc.request(staff, creds[2]!, "still live");
    await tdb.db
      .$executeRaw`UPDATE wl_reveal_request SET expires_at = now() - interval '1 second' WHERE id IN (${stalePending.id}::uuid, ${staleApproved.id}::uuid)`;

    const noticed: string[] = [];
    const sweeps = await Promise.all(Array.from({ length: 6 }, () => svc.expireStale(async (_tx, ids) => void noticed.push(...ids))));
    const expired = sweeps.flat().sort();
    expect(expired).toEqual([stalePending.id, staleApproved.id].sort());
    expect(noticed.sort()).toEqual(expired);
    for (const id of expired) expect((await tdb.db.revealRequest.findUniqueOrThrow({ where: { id } })).status).toBe("EXPIRED");
    expect((await tdb.db.revealRequest.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("PENDING");

    const audits = await tdb.db.auditLog.findMany({ where: { targetModel: "RevealRequest", notes: "expired: time window passed" } });
    expect(audits).toHaveLength(2);
    expect(audits.every((a) => a.userEmail === "system@wavelaunch.bot" && a.userId === null)).toBe(true);
    expect(audits.map((a) => (a.changes as { status: { from: string } }).status.from).sort()).toEqual(["APPROVED", "PENDING"]);
  });

  it("a decision and its audit row are one transaction: a failing audit leaves the request PENDING", async () => {
    const svc = createRevealService({ db: tdb.db, approvalTtlMinutes: 15 });
    const creatorId = (await tdb.db.creatorCredential.findUniqueOrThrow({ where: { id: credentialId } })).creatorId;
    const cred = await insertCredential(tdb.db, creatorId, { platform: "Audit tx" });
    const r = await svc.request(staff, cred, "tx check");
    await tdb.db.$executeRawUnsafe(`
      CREATE FUNCTION vault_svc_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.target_model = 'RevealRequest' AND NEW.action_type = 'UPDATE' THEN RAISE EXCEPTION 'no audit today'; END IF; RETURN NEW; END $$`);
    await tdb.db.$executeRawUnsafe(`CREATE TRIGGER vault_svc_refuse BEFORE INSERT ON studio_crm_auditlog FOR EACH ROW EXECUTE FUNCTION vault_svc_refuse()`);
    try {
      await expect(svc.decide(admin, r.id, "APPROVED")).rejects.toThrow(/no audit today/);
    } finally {
      await tdb.db.$executeRawUnsafe(`DROP TRIGGER vault_svc_refuse ON studio_crm_auditlog`);
      await tdb.db.$executeRawUnsafe(`DROP FUNCTION vault_svc_refuse()`);
    }
    const row = await tdb.db.revealRequest.findUniqueOrThrow({ where: { id: r.id } });
    expect(row).toMatchObject({ status: "PENDING", decidedById: null, decidedAt: null });
    const ok = await svc.decide(admin, r.id, "APPROVED");
    expect(ok.status).toBe("APPROVED");
  });
});
