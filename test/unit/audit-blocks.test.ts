import { describe, expect, it } from "vitest";
import { auditLine, auditPageBlocks, summariseChanges } from "../../src/features/audit/audit-blocks.js";
import type { AuditRow } from "../../src/features/audit/audit-query-service.js";

const FERNET = "gAAAAABnExampleTokenThatLooksRealEnough_0123456789abcdefABCDEF==";

const row = (over: Partial<AuditRow> = {}): AuditRow => ({
  id: "00000000-0000-4000-8000-000000000001",
  timestamp: new Date("2026-11-27T09:14:00Z"),
  userEmail: "mia@studio.test",
  actionType: "UPDATE",
  targetModel: "Creator",
  targetDisplay: "Glow Co (Jane Doe)",
  changes: {},
  notes: null,
  ...over,
});

describe("audit change summaries", () => {
  it("shows field: from → to, and marks secrets only as changed, whatever the row holds", () => {
    expect(summariseChanges({ journey_status: { from: "ONBOARDING", to: "LAUNCH" } })).toBe("journey_status: ONBOARDING → LAUNCH");
    expect(summariseChanges({ password: { changed: true }, api_keys: { changed: true } })).toBe("password changed; api_keys changed");
    // A row written by a buggy client with plaintext or ciphertext still shows nothing of it.
    const s = summariseChanges({
      password: { from: "old-pass-123", to: "NewPass-456" },
      login_url: "https://login.example/secret",
      twoFactorBackupCodes: ["1111", "2222"],
      notes_field: FERNET,
    });
    expect(s).not.toMatch(/old-pass|NewPass|login\.example|1111|gAAAAA/);
    expect(s).toContain("password changed");
    expect(s).toContain("[encrypted]");
  });

  it("stays short: long values clipped, many fields counted", () => {
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, { from: "x".repeat(100), to: i }]));
    const s = summariseChanges(many);
    expect(s).toContain("+4 more");
    expect(s.length).toBeLessThan(400);
  });
});

describe("audit lines and pages", () => {
  it("escapes user text and keeps Slack's date token", () => {
    const l = auditLine(row({ targetDisplay: "<!channel> & <https://evil|bank>", notes: `note ${FERNET}` }));
    expect(l).toMatch(/^<!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-11-27 09:14 UTC> · /);
    expect(l).toContain("&lt;!channel&gt; &amp;");
    expect(l).not.toContain("<!channel>");
    expect(l).not.toContain("gAAAAA");
  });

  it("fits Slack's limits at a full page of long rows, with a Next button carrying the cursor", () => {
    const rows = Array.from({ length: 20 }, (_, i) =>
      row({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        targetDisplay: "T".repeat(200),
        notes: "n".repeat(500),
        changes: { a: { from: "y".repeat(300), to: 1 } },
      }),
    );
    const page = auditPageBlocks({
      scope: { kind: "creator", creatorId: "11111111-1111-4111-8111-111111111111", brandName: "Glow", creatorName: "Jane" },
      rows,
      nextCursor: rows[19]!.id,
      pageNumber: 1,
    });
    expect(page.blocks.length).toBeLessThanOrEqual(50);
    for (const b of page.blocks) if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    const actions = page.blocks.find((b) => b.type === "actions") as { elements: { action_id: string; value: string }[] };
    expect(actions.elements[0]!.action_id).toBe("audit_page");
    expect(JSON.parse(actions.elements[0]!.value)).toEqual({ c: "11111111-1111-4111-8111-111111111111", a: rows[19]!.id, p: 2 });
  });

  it("says so when there is nothing, and offers no Next on the last page", () => {
    const page = auditPageBlocks({ scope: { kind: "all" }, rows: [], nextCursor: null, pageNumber: 1 });
    expect(JSON.stringify(page.blocks)).toContain("No audit entries yet.");
    expect(page.blocks.some((b) => b.type === "actions")).toBe(false);
  });
});
