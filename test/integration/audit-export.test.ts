import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAuditExportService } from "../../src/features/audit/export-service.js";
import { EXPORT_BATCH_SIZE } from "../../src/features/audit/export-fns.js";
import type { Actor } from "../../src/identity/actor.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";

// The export job's service against real Postgres and the fake Slack: large ranges are read in
// keyset batches of EXPORT_BATCH_SIZE and streamed to Slack from a temp file.

let tdb: TestDatabase;
let slack: FakeSlack;
let admin: Actor;
let staff: Actor;
const noJobs = { enqueue: async () => null };

async function user(name: string, role: "staff" | "admin"): Promise<Actor> {
  const u = await tdb.db.authUser.create({
    data: {
      password: "!x",
      isSuperuser: false,
      username: name,
      firstName: name,
      lastName: "",
      email: `${name}@export.test`,
      isStaff: false,
      isActive: true,
      dateJoined: new Date(),
    },
  });
  await tdb.db.slackUser.create({ data: { slackUserId: `U${name.toUpperCase()}`, slackTeamId: "T0", userId: u.id } });
  await tdb.db.userRole.create({ data: { userId: u.id, role } });
  return { userId: u.id, email: u.email, role, slackUserId: `U${name.toUpperCase()}`, slackTeamId: "T0", displayName: name };
}

/** `n` audit rows about reveal requests on `day`, written as Django or the bot would. */
async function generate(n: number, day: string, model = "RevealRequest"): Promise<void> {
  // In chunks: each row passes the audit chain's trigger, and a statement has a time limit.
  for (let start = 1; start <= n; start += 5_000) await generateChunk(start, Math.min(n, start + 4_999), day, model);
}

async function generateChunk(first: number, last: number, day: string, model: string): Promise<void> {
  await tdb.db.$executeRawUnsafe(
    `INSERT INTO studio_crm_auditlog (id, timestamp, user_id, user_email, ip_address, action_type, target_model, target_id, target_display, changes, notes)
     SELECT gen_random_uuid(), $1::date + (i % 86000) * interval '1 second' + i * interval '1 microsecond', NULL, 'gen' || i || '@export.test', NULL, 'UPDATE', $2,
            gen_random_uuid(), CASE WHEN i % 1000 = 0 THEN '=HYPERLINK("x")' ELSE 'Request ' || i END, '{"status":{"from":"PENDING","to":"APPROVED"}}'::jsonb, NULL
       FROM generate_series($3::int, $4::int) AS i`,
    day,
    model,
    first,
    last,
  );
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  slack = await new FakeSlack().start();
  admin = await user("exportadmin", "admin");
  staff = await user("exportstaff", "staff");
});
afterAll(async () => {
  await slack?.stop();
  await tdb?.drop();
});
beforeEach(() => slack.reset());

const client = () => new WebClient("xoxb-test", { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });

describe("audit export service", () => {
  it("a 50,000-row range is read in batches of EXPORT_BATCH_SIZE and streamed whole to the DM", async () => {
    const n = 50_000;
    await generate(n, "2026-03-10");
    await generate(300, "2026-03-09");
    await generate(300, "2026-03-12");
    await generate(200, "2026-03-10", "Creator");
    const svc = createAuditExportService({ db: tdb.db, client: client(), jobs: noJobs, tz: "UTC" });
    expect(svc.batchSize).toBe(EXPORT_BATCH_SIZE);
    const out = await svc.run(admin, { from: "2026-03-10", to: "2026-03-11" });
    // Full batches, then the one that finds the end: never one query for the whole range.
    expect(out).toMatchObject({ rows: n, batches: Math.floor(n / EXPORT_BATCH_SIZE) + 1 });

    const up = slack.uploads[0]!;
    expect(up.announced).toBe(up.bytes.length);
    const lines = up.bytes.toString("utf8").split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(n + 1);
    expect(lines[0]).toBe("when_utc,who,who_slack_id,action,what,target_id,target,change,reason,approver,approver_slack_id,notes");
    // Keyset pages neither skip nor repeat a row (timestamps differ in microseconds only).
    expect(new Set(lines.slice(1).map((l) => l.split(",")[1])).size).toBe(n);
    expect(lines.filter((l) => l.includes(`"'=HYPERLINK(""x"")"`))).toHaveLength(n / 1000);
    expect(lines.every((l) => !l.includes(",=HYPERLINK"))).toBe(true);

    const done = slack.callsTo("files.completeUploadExternal")[0]!;
    expect(done.args).toMatchObject({ channel_id: `D${admin.slackUserId!.slice(1)}`, files: [{ id: up.fileId }] });
    expect(String(done.args.initial_comment)).toContain(`${n} rows`);
    const audit = await tdb.db.auditLog.findFirstOrThrow({ where: { userId: admin.userId, targetModel: "AuditLog" }, orderBy: { timestamp: "desc" } });
    expect(audit).toMatchObject({ actionType: "VIEW", targetDisplay: "/wl audit export 2026-03-10 2026-03-11" });
    expect(audit.changes).toMatchObject({ from: "2026-03-10", to: "2026-03-11", rows: n, file_id: up.fileId });
  }, 120_000);

  it("a smaller batch size pages through the same rows (the size is the module's, not a constant in the loop)", async () => {
    const svc = createAuditExportService({ db: tdb.db, client: client(), jobs: noJobs, tz: "UTC", batchSize: 70 });
    const out = await svc.run(admin, { from: "2026-03-09", to: "2026-03-09" });
    expect(out).toMatchObject({ rows: 300, batches: Math.ceil(300 / 70) });
  });

  it("an empty range still delivers a CSV with its header", async () => {
    const svc = createAuditExportService({ db: tdb.db, client: client(), jobs: noJobs, tz: "UTC" });
    const out = await svc.run(admin, { from: "2020-01-01", to: "2020-01-31" });
    expect(out).toMatchObject({ rows: 0, batches: 1 });
    expect(slack.uploads[0]!.bytes.toString()).toMatch(/^when_utc,who,/);
  });

  it("a requester who is no longer admin when the job runs gets nothing, and the refusal is audited", async () => {
    const svc = createAuditExportService({ db: tdb.db, client: client(), jobs: noJobs, tz: "UTC" });
    expect(await svc.run({ ...staff, role: "admin" }, { from: "2026-03-10", to: "2026-03-10" })).toEqual({ refused: "not_admin" });
    expect(slack.calls).toHaveLength(0);
    const row = await tdb.db.auditLog.findFirstOrThrow({ where: { userId: staff.userId } });
    expect(row.notes).toMatch(/refused: audit export needs admin/);
  });

  it("a retry after the file was delivered only writes the audit row (no second upload)", async () => {
    const svc = createAuditExportService({ db: tdb.db, client: client(), jobs: noJobs, tz: "UTC" });
    const out = await svc.run(admin, { from: "2026-03-09", to: "2026-03-09" }, { uploaded: "F-EARLIER" });
    expect(out).toMatchObject({ fileId: "F-EARLIER" });
    expect(slack.uploads).toHaveLength(0);
    expect(await tdb.db.auditLog.count({ where: { userId: admin.userId, changes: { path: ["file_id"], equals: "F-EARLIER" } } })).toBe(1);
  });
});
