import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";
import { createHealthService } from "../../src/features/health/health-service.js";
import { verifyAuditChain } from "../../src/audit/audit-chain.js";
import { demoStudio, seedDemoStudio, seedDemoUsers } from "../../src/sandbox/demo-data.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { TEST_KEY } from "../helpers/bot-harness.js";

// `npm run seed:demo`: a realistic studio, written through the audit and health modules.

const TODAY = "2026-11-27";
const NOW = new Date("2026-11-27T10:00:00Z");
let tdb: TestDatabase;
const fernet = new MultiFernet(parseFernetKeys(TEST_KEY));
let first: Awaited<ReturnType<typeof seedDemoStudio>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDemoUsers(tdb.db);
  first = await seedDemoStudio({ db: tdb.db, fernet, health: createHealthService({ ...tdb, tz: "UTC" }), today: TODAY, now: NOW });
}, 120_000);
afterAll(async () => {
  await tdb?.drop();
});

describe("the demo studio", () => {
  it("has ~40 creators across every journey status, health score and the archived state", async () => {
    expect(first.creatorsCreated).toBe(40);
    const rows = await tdb.db.creator.findMany();
    expect(new Set(rows.map((r) => r.journeyStatus))).toEqual(new Set(["ONBOARDING", "BRAND_BUILDING", "LAUNCH", "LIVE", "PAUSED", "CLOSED"]));
    const tracked = rows.filter((r) => r.isActive && !["PAUSED", "CLOSED"].includes(r.journeyStatus));
    const byScore = (s: string) => tracked.filter((r) => r.healthScore === s).length;
    expect([byScore("RED"), byScore("YELLOW"), byScore("GREEN")]).toEqual([7, 9, 18]);
    expect(rows.some((r) => !r.isActive)).toBe(true);
  });

  it("computes health with the health module: every creator's score is what its dates were arranged to give", async () => {
    const planned = new Map(demoStudio(TODAY).map((c) => [c.creatorEmail, c.intended]));
    for (const r of await tdb.db.creator.findMany()) {
      const intended = planned.get(r.creatorEmail);
      expect(r.healthScore, r.brandName).toBe(intended === "UNTRACKED" ? "GREEN" : intended);
    }
  });

  it("has milestones, some overdue, and credentials whose secrets decrypt with the configured key but never reach the audit log", async () => {
    expect(first.milestones).toBeGreaterThan(80);
    expect(await tdb.db.milestone.count({ where: { isCompleted: false, targetDate: { lt: new Date(`${TODAY}T00:00:00Z`) } } })).toBeGreaterThan(3);
    const creds = await tdb.db.creatorCredential.findMany();
    expect(creds.length).toBe(first.credentials);
    expect(creds.length).toBeGreaterThan(30);
    const secrets = creds.map((c) => fernet.decryptString(c.password!));
    for (const s of secrets) expect(s).toMatch(/^[A-Z][a-z]+-[A-Z][a-z]+-\d\d[!#%?]$/);
    const audit = JSON.stringify(await tdb.db.auditLog.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    for (const s of secrets) expect(audit).not.toContain(s);
    for (const c of creds) expect(audit).not.toContain(c.password!);
  });

  it("writes the audit history through writeAudit, so the hash chain stays intact", async () => {
    expect(first.auditRows).toBeGreaterThan(200);
    expect(await tdb.db.auditLog.count({ where: { actionType: "CREATE", targetModel: "Creator" } })).toBe(40);
    expect(await tdb.db.auditLog.count({ where: { targetModel: "Creator", changes: { path: ["health_score", "to"], equals: "RED" } } })).toBe(7);
    expect(await tdb.db.auditLog.count({ where: { slackUserId: { in: ["U0DEMOSAM", "U0DEMOSKY", "U0DEMOMIA"] } } })).toBeGreaterThan(100);
    const chain = await verifyAuditChain(tdb.db);
    expect(chain).toMatchObject({ ok: true, firstBreak: null });
  });

  it("is idempotent: a second run adds nothing", async () => {
    const before = await tdb.db.auditLog.count();
    expect(await seedDemoUsers(tdb.db)).toEqual({ created: 0, rolesGranted: 0 });
    const again = await seedDemoStudio({ db: tdb.db, fernet, health: createHealthService({ ...tdb, tz: "UTC" }), today: TODAY, now: NOW });
    expect(again).toEqual({ creatorsCreated: 0, creatorsSkipped: 40, milestones: 0, credentials: 0, auditRows: 0 });
    expect(await tdb.db.auditLog.count()).toBe(before);
    expect(await tdb.db.authUser.count()).toBe(4);
  });
});
