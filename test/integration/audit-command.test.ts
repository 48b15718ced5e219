import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { writeAudit } from "../../src/audit/audit-service.js";
import type { Actor } from "../../src/identity/actor.js";
import type { Db } from "../../src/db.js";

// `/wl audit [<creator>]`: managers read one creator's trail, admins everything; every read is
// audited; no secret is ever shown, even from rows another system wrote carelessly.

let h: Harness;
let alpha: string;
let beta: string;
let gamma: string;
let alphaCred: string;

const FERNET = "gAAAAABnExampleTokenThatLooksRealEnough_0123456789abcdefABCDEF==";
const SECRETS = ["old-pass-123", "NewPass-456", "sk-live-999", "gAAAAAB"];

// Rows as the Django app writes them (no Slack identity).
const django: Actor = { userId: null, email: "django@studio.test", role: "admin", slackUserId: null, slackTeamId: null, displayName: "Django" };

async function creator(db: Db, brandName: string, email: string): Promise<string> {
  const c = await db.creator.create({
    data: {
      creatorName: `${brandName} Owner`,
      creatorEmail: email,
      brandName,
      brandNiche: "Beauty",
      journeyStatus: "ONBOARDING",
      healthScore: "GREEN",
      lastStatusChange: new Date(),
    },
  });
  return c.id;
}

const text = (answer: Record<string, unknown>) => JSON.stringify(answer.blocks ?? answer.text);

beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager" });
  const db = h.tdb.db;
  alpha = await creator(db, "Alpha Brand", "alpha@x.test");
  beta = await creator(db, "Beta Brand", "beta@x.test");
  gamma = await creator(db, "Gamma Brand", "gamma@x.test");
  alphaCred = (await db.creatorCredential.create({ data: { creatorId: alpha, platformName: "Shopify", accountIdentifier: "alpha-shop" } })).id;
  await writeAudit(db, django, {
    action: "CREATE",
    targetModel: "Creator",
    targetId: alpha,
    targetDisplay: "Alpha Brand (Alpha Brand Owner)",
    changes: { brand_name: "Alpha Brand" },
  });
  await writeAudit(db, django, {
    action: "UPDATE",
    targetModel: "Creator",
    targetId: alpha,
    targetDisplay: "Alpha Brand (Alpha Brand Owner)",
    changes: { journey_status: { from: "ONBOARDING", to: "LAUNCH" } },
  });
  await writeAudit(db, django, {
    action: "UPDATE",
    targetModel: "CreatorCredential",
    targetId: alphaCred,
    targetDisplay: "Shopify: alpha-shop",
    changes: { password: { changed: true } },
  });
  // A careless writer: plaintext and ciphertext in the row. The screen must still show neither.
  await writeAudit(db, django, {
    action: "UPDATE",
    targetModel: "CreatorCredential",
    targetId: alphaCred,
    targetDisplay: "Shopify: alpha-shop",
    changes: { password: { from: "old-pass-123", to: "NewPass-456" }, api_keys: "sk-live-999" },
    notes: `legacy import ${FERNET}`,
  });
  await writeAudit(db, django, {
    action: "UPDATE",
    targetModel: "Creator",
    targetId: beta,
    targetDisplay: "Beta Brand (Beta Brand Owner)",
    changes: { tags: { from: [], to: ["beta-only"] } },
  });
  // 45 rows in one transaction: one timestamp, so paging must break ties by id.
  await writeAudit(
    db,
    django,
    Array.from({ length: 45 }, (_, i) => ({
      action: "UPDATE" as const,
      targetModel: "Creator",
      targetId: gamma,
      targetDisplay: "Gamma Brand",
      changes: { priority_level: { from: i, to: i + 1 } },
      notes: `gamma-row-${i}`,
    })),
  );
});
afterAll(async () => {
  await h?.close();
});

describe("/wl audit", () => {
  it("refuses staff, and audits the refusal", async () => {
    const { responseUrl } = await h.command("USTAFF", "audit Alpha Brand");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/needs the \*manager\* role/);
    expect(await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", notes: { contains: "refused" } } })).toBe(1);
  });

  it("shows a manager one creator's trail, newest first, its credentials included, other creators' not, secrets never", async () => {
    const { responseUrl } = await h.command("UMANAGER", "audit alpha brand");
    const answer = await answerTo(h, responseUrl);
    expect(answer.response_type).toBe("ephemeral");
    const t = text(answer);
    expect(t).toContain("Audit trail: Alpha Brand");
    expect(t).toContain("journey_status: ONBOARDING → LAUNCH");
    expect(t).toContain("password changed");
    expect(t).toContain("django@studio.test");
    expect(t).not.toContain("beta-only");
    for (const s of SECRETS) expect(t).not.toContain(s);
    // Newest first: the careless row (written last) before the CREATE (written first).
    expect(t.indexOf("legacy import")).toBeLessThan(t.indexOf("Created creator"));

    const view = await h.tdb.db.auditLog.findFirstOrThrow({ where: { slackUserId: "UMANAGER", targetModel: "AuditLog" } });
    expect(view).toMatchObject({ actionType: "VIEW", targetId: alpha, userEmail: "mia@studio.test" });
    expect(view.notes).toMatch(/page 1: 4 entries/);
  });

  it("refuses a manager the whole log, and audits the refusal", async () => {
    const { responseUrl } = await h.command("UMANAGER", "audit");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/Only admins can read the whole audit log/);
    const refused = await h.tdb.db.auditLog.findFirstOrThrow({ where: { slackUserId: "UMANAGER", targetDisplay: "/wl audit (all)" } });
    expect(refused).toMatchObject({ actionType: "VIEW" });
    expect(refused.notes).toMatch(/refused: needs admin, has manager/);
  });

  it("a manager cannot widen the view with a forged page button", async () => {
    const last = await h.tdb.db.auditLog.findFirstOrThrow({ orderBy: { timestamp: "desc" } });
    const { responseUrl } = await h.action("UMANAGER", { action_id: "audit_page", value: JSON.stringify({ c: null, a: last.id, p: 2 }) });
    const answer = await answerTo(h, responseUrl);
    expect(String(answer.text)).toMatch(/Only admins/);
    expect(answer.blocks).toBeUndefined();
  });

  it("shows an admin everything, every creator, still without secrets", async () => {
    const { responseUrl } = await h.command("UADMIN", "audit");
    const t = text(await answerTo(h, responseUrl));
    expect(t).toContain("Audit log: everything");
    // The newest 20: the manager's reads and refusals are there; older rows are on later pages.
    expect(t).toContain("mia@studio.test");
    expect(t).toContain("Was refused audit log");
    for (const s of SECRETS) expect(t).not.toContain(s);
    expect(await h.tdb.db.auditLog.count({ where: { slackUserId: "UADMIN", targetModel: "AuditLog", actionType: "VIEW" } })).toBe(1);
  });

  it("pages with Next, newest first, with no gap or repeat even among rows of one timestamp", async () => {
    const seen: string[] = [];
    const collect = (t: string) => [...t.matchAll(/gamma-row-(\d+)/g)].map((m) => m[1]!);
    let answer = await answerTo(h, (await h.command("UMANAGER", "audit Gamma Brand")).responseUrl);
    for (let page = 1; ; page++) {
      const rows = collect(text(answer));
      expect(rows.length).toBe(page < 3 ? 20 : 5);
      seen.push(...rows);
      const actions = (answer.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === "actions");
      if (page === 3) {
        expect(actions).toBeUndefined();
        break;
      }
      expect(actions!.elements![0]!.action_id).toBe("audit_page");
      const { responseUrl } = await h.action("UMANAGER", { action_id: "audit_page", value: actions!.elements![0]!.value });
      answer = await answerTo(h, responseUrl);
      expect(answer.replace_original).toBe(true);
      expect(text(answer)).toContain(`page ${page + 1}`);
    }
    expect(new Set(seen).size).toBe(45);
    const views = await h.tdb.db.auditLog.findMany({ where: { slackUserId: "UMANAGER", targetId: gamma, actionType: "VIEW" }, orderBy: { timestamp: "asc" } });
    expect(views.map((v) => v.notes)).toEqual(["page 1: 20 entries", "page 2: 20 entries", "page 3: 5 entries"]);
  });

  it("answers a creator that does not exist, and never a stack trace", async () => {
    const { responseUrl } = await h.command("UMANAGER", "audit Nobody Such");
    expect(String((await answerTo(h, responseUrl)).text)).toMatch(/No creator matches/);
    const bad = await h.action("UMANAGER", { action_id: "audit_page", value: "not json" });
    expect(String((await answerTo(h, bad.responseUrl)).text)).toMatch(/out of date/);
    expect(h.slack.transcript()).not.toMatch(/at .*\.ts:\d+/);
    for (const s of SECRETS) expect(h.slack.transcript()).not.toContain(s);
  });
});
