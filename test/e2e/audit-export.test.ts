import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { click, formValues, insertCredential, makeCreator } from "./vault-support.js";
import { waitUntil } from "../helpers/creators.js";

// `/wl audit export` through signed Slack requests: queued at once, built by the job queue,
// uploaded to the admin's DM, audited; non-admins refused by the pipeline's role guard.

let h: Harness;
let credId: string;
const REASON = '=HYPERLINK("http://evil.example","click") for the launch';

beforeAll(async () => {
  h = await startHarness();
  await grantRoles(h, { USTAFF: "staff", UMANAGER: "manager", UADMIN2: "admin" });
  const creatorId = await makeCreator(h.tdb.db, "Export Co");
  credId = await insertCredential(h.tdb.db, creatorId, { platform: "TikTok", account: "@exportco", password: null });
});
afterAll(async () => {
  await h?.close();
});

const today = () => new Date().toISOString().slice(0, 10);

describe("/wl audit export", () => {
  it("exports the day's reveal request, approval, reveal and role changes as CSV to the admin's DM, and audits it", async () => {
    const r = await h.submit("USTAFF", {
      callback_id: "reveal_reason",
      private_metadata: JSON.stringify({ id: credId }),
      values: formValues({ reason: REASON }),
    });
    expect(r.body).toBeNull();
    let requestId = "";
    await h.slack.waitFor(() => h.slack.calls.find((c) => c.method === "chat.postMessage" && /request to reveal/.test(String(c.args.text))));
    requestId = (await h.tdb.db.revealRequest.findFirstOrThrow({ where: { credentialId: credId } })).id;
    await click(h, "UADMIN2", "reveal_approve", requestId);
    await click(h, "USTAFF", "reveal_once", requestId);
    await h.slack.waitFor(() => h.slack.responses.find((x) => JSON.stringify(x.body).includes("Shown once")) ?? false).catch(() => null);

    const { responseUrl } = await h.command("UADMIN", `audit export ${today()} ${today()}`);
    expect(JSON.stringify(await answerTo(h, responseUrl))).toMatch(/Export queued/);
    const done = await h.slack.waitForCall("files.completeUploadExternal", () => true, 15_000);
    expect(done.args.channel_id).toBe("DADMIN");
    const up = h.slack.uploads.at(-1)!;
    expect(up.bytes.length).toBe(up.announced);
    const csv = up.bytes.toString("utf8");
    const lines = csv.split("\r\n").filter(Boolean);
    expect(lines[0]).toMatch(/^when_utc,who,who_slack_id,action,what,/);
    // The request with its reason (neutralised), the approval with its approver, the reveal, the role changes.
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"") for the launch"`);
    expect(csv).not.toContain(",=HYPERLINK");
    expect(lines.some((l) => l.includes("CREATE,RevealRequest") && l.includes("USTAFF"))).toBe(true);
    expect(lines.some((l) => l.includes("status: PENDING → APPROVED") && l.includes("alan@studio.test"))).toBe(true);
    expect(lines.some((l) => l.includes("status: APPROVED → REVEALED"))).toBe(true);
    expect(lines.some((l) => l.includes("VIEW,CreatorCredential"))).toBe(true);
    expect(lines.filter((l) => l.includes(",UserRole,")).length).toBeGreaterThanOrEqual(3);
    // The job audits the export once Slack has confirmed the file, just after the call we saw.
    const uploaded = { slackUserId: "UADMIN", notes: { contains: "audit export uploaded" } };
    await waitUntil(async () => (await h.tdb.db.auditLog.count({ where: uploaded })) > 0);
    const audit = await h.tdb.db.auditLog.findFirstOrThrow({ where: uploaded });
    expect(audit.changes).toMatchObject({ from: today(), to: today(), file_id: up.fileId });
    const queued = await h.tdb.db.auditLog.findFirstOrThrow({ where: { slackUserId: "UADMIN", notes: { contains: "audit export queued" } } });
    expect(queued.targetModel).toBe("AuditLog");
  }, 30_000);

  it("non-admins are refused by the role guard and nothing is queued; bad dates get the usage", async () => {
    const before = await h.tdb.db.job.count({ where: { kind: "audit.export" } });
    const { responseUrl } = await h.command("UMANAGER", `audit export ${today()} ${today()}`);
    expect(JSON.stringify(await answerTo(h, responseUrl))).not.toMatch(/Export queued/);
    const bad = await h.command("UADMIN", "audit export 2026-13-01 2026-12-01");
    expect(JSON.stringify(await answerTo(h, bad.responseUrl))).toMatch(/YYYY-MM-DD/);
    expect(await h.tdb.db.job.count({ where: { kind: "audit.export" } })).toBe(before);
    const refusal = await h.tdb.db.auditLog.findFirst({ where: { slackUserId: "UMANAGER", targetModel: "AuditLog" } });
    expect(refusal).not.toBeNull();
  });
});
