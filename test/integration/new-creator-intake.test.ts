import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantRoles, startHarness, TEAM, type Harness } from "../helpers/bot-harness.js";
import { validNew } from "../helpers/creators.js";
import { createJobStore } from "../../src/jobs/jobs-service.js";
import type { ClaimedJob } from "../../src/jobs/job-types.js";
import type { Actor } from "../../src/identity/actor.js";
import { createNewCreatorIntake, NEW_CREATOR_JOB, type NewCreatorOutcome } from "../../src/features/creators/new-creator-intake.js";
import { jobs as creatorJobs } from "../../src/features/creators/register.js";
import { parseNewCreator, type CreatorForm, type RawForm } from "../../src/features/creators/creator-schemas.js";
import { columnValuesOf } from "../../src/features/creators/creator-fns.js";

// A New creator submission is stored as a held job before its form is acked; whoever holds the
// job creates the creator, fenced by its lease. These drive the intake and the job handler
// directly against the real database; the process-level SIGKILL case is in test/e2e/deploys.test.ts.

let h: Harness;
let staff: Actor;

beforeAll(async () => {
  // The harness's bot runs no jobs: each test decides who holds what.
  h = await startHarness({}, { jobs: { start: false } });
  await grantRoles(h, { USTAFF: "staff" });
  staff = await h.bot.deps.identity.resolve("USTAFF", TEAM);
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
function form(): { raw: RawForm; data: CreatorForm } {
  n++;
  const raw = validNew({ creator_email: `intake${n}@intake.test`, brand_name: `Intake Brand ${n}` });
  const parsed = parseNewCreator(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { raw, data: parsed.data };
}
const intake = () => createNewCreatorIntake({ creators: h.bot.services.creators, held: h.bot.deps.heldJobs });
const store = () => createJobStore(h.tdb.db);
/** The holder stopped heartbeating (it died): its claim is stale. */
const goStale = (job: ClaimedJob) => h.tdb.db.$executeRaw`UPDATE wl_job SET heartbeat_at = now() - interval '1 minute' WHERE id = ${job.id}::uuid`;
const takeOver = async (owner: string) => (await store().claim(owner, [{ kind: NEW_CREATOR_JOB, limit: 1 }], 1_000))[0];
const creatorsWith = (email: string) => h.tdb.db.creator.findMany({ where: { creatorEmail: email } });
/** Someone else's creator with this email, written between a form's check and its create. */
const addedMeanwhile = (email: string) =>
  h.tdb.db.creator.create({
    data: {
      creatorName: "First",
      creatorEmail: email,
      brandName: "First Co",
      brandNiche: "x",
      journeyStatus: "LIVE",
      healthScore: "GREEN",
      lastStatusChange: new Date(),
    },
  });
const createRows = (id: string) => h.tdb.db.auditLog.count({ where: { targetId: id, actionType: "CREATE" } });

describe("a stored New creator submission is created once", () => {
  it("an email already a creator's (in any case) is the form's inline error, checked by the statement that would store it: nothing is stored", async () => {
    const { raw, data } = form();
    const first = await intake().receive(raw, staff, "V-dup-first", data);
    await intake().finish(first, data, staff);
    const again = form();
    const shouted = { ...again.data, creator_email: data.creator_email.toUpperCase() };
    const before = await h.tdb.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM wl_job`;
    await expect(intake().receive(again.raw, staff, "V-dup-second", shouted)).rejects.toMatchObject({
      fieldErrors: { creator_email: "A creator with this email already exists." },
    });
    const after = await h.tdb.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM wl_job`;
    expect(after).toEqual(before);
  });

  it("is stored before the ack, claimed by this process, with the id the creator will have", async () => {
    const { raw, data } = form();
    const job = await intake().receive(raw, staff, "V-stored", data);
    const row = await h.tdb.db.$queryRaw<{ status: string; attempts: number; owner: string | null }[]>`
      SELECT status, attempts, owner FROM wl_job WHERE id = ${job.id}::uuid`;
    expect(row).toEqual([{ status: "running", attempts: 1, owner: expect.any(String) }]);
    const outcome = await intake().finish(job, data, staff);
    expect(outcome).toMatchObject({ kind: "created", id: (job.payload as { creatorId: string }).creatorId, brandName: data.brand_name });
  });

  it("race: the first holder and a replica that took the job over both finish it: one creator, one CREATE row, nobody told 'nothing was saved'", async () => {
    for (let round = 0; round < 6; round++) {
      const { raw, data } = form();
      const job = await intake().receive(raw, staff, `V-race-${round}`, data);
      await goStale(job);
      const outcomes = await Promise.all([
        intake().finish(job, data, staff),
        (async (): Promise<NewCreatorOutcome | null> => {
          const taken = await takeOver(`replica-${round}`);
          return taken ? intake().finish(taken, data, staff) : null;
        })(),
      ]);
      const made = await creatorsWith(data.creator_email);
      expect(made).toHaveLength(1);
      expect(await createRows(made[0]!.id)).toBe(1);
      expect(outcomes.filter((o) => o?.kind === "duplicate")).toEqual([]);
      expect(outcomes.filter((o) => o?.kind === "created").length).toBeGreaterThanOrEqual(1);
    }
  });

  it("a holder whose job was taken over writes nothing: the create rolls back and says 'lost'", async () => {
    const { raw, data } = form();
    const job = await intake().receive(raw, staff, "V-lost", data);
    await goStale(job);
    const taken = await takeOver("replica-lost");
    expect(taken?.id).toBe(job.id);
    expect(await intake().finish(job, data, staff)).toEqual({ kind: "lost" });
    expect(await creatorsWith(data.creator_email)).toHaveLength(0);
    expect(await intake().finish(taken!, data, staff)).toMatchObject({ kind: "created" });
    expect(await creatorsWith(data.creator_email)).toHaveLength(1);
  });

  it("a takeover after the holder committed only answers: no second creator, no second row", async () => {
    const { raw, data } = form();
    const job = await intake().receive(raw, staff, "V-after", data);
    const first = await intake().finish(job, data, staff);
    await goStale(job); // it died before completing the job
    const taken = await takeOver("replica-after");
    expect(taken?.progress).toEqual({ created: true });
    // The same creator, answered with its card read (only its maker has the card in hand).
    const { card: _card, ...answered } = first as Extract<NewCreatorOutcome, { kind: "created" }>;
    expect(await intake().finish(taken!, data, staff)).toEqual(answered);
    const made = await creatorsWith(data.creator_email);
    expect(made).toHaveLength(1);
    expect(await createRows(made[0]!.id)).toBe(1);
  });
});

describe("the create's one statement (creator-insert.ts)", () => {
  it("returns the row exactly as Prisma reads it, and the CREATE row's snapshot holds every column", async () => {
    const raw = validNew({
      creator_email: "every.column@intake.test",
      brand_name: "Every Column Co",
      creator_phone: "+1 555 0100",
      tags: "VIP, launch",
      last_contacted_date: "2026-06-01",
      next_follow_up_date: "2026-07-01",
      priority_level: "1",
    });
    const parsed = parseNewCreator(raw);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const row = await h.bot.services.creators.create(parsed.data, staff);
    const prisma = await h.tdb.db.creator.findUniqueOrThrow({ where: { id: row.id } });
    expect(row).toEqual(prisma);
    // Every column the form has is stored as submitted (none left to a default).
    expect(columnValuesOf(row)).toEqual(parsed.data);
    expect([row.createdById, row.lastUpdatedById, row.isActive]).toEqual([staff.userId, staff.userId, true]);
    expect(row.tags).toEqual(["VIP", "launch"]);
    expect(row.lastContactedDate?.toISOString()).toBe("2026-06-01T00:00:00.000Z");
    const audit = await h.tdb.db.auditLog.findFirstOrThrow({ where: { targetId: row.id, actionType: "CREATE" } });
    const columns = await h.tdb.db.$queryRaw<{ c: string }[]>`
      SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'studio_crm_creator' AND table_schema = current_schema()`;
    expect(Object.keys(audit.changes as object).sort()).toEqual(columns.map((c) => c.c).sort());
  });

  it("the card answered from the inserted row is the card a read gives (no milestones, no followers yet)", async () => {
    const { raw, data } = form();
    const job = await intake().receive(raw, staff, "V-card-known", data);
    const outcome = await intake().finish(job, data, staff);
    if (outcome.kind !== "created") throw new Error(`not created: ${outcome.kind}`);
    expect(outcome.card).toEqual(await h.bot.services.creators.card(outcome.id, staff.userId));
    // A later holder only answers, and so reads the card.
    expect(await intake().finish({ ...job, progress: { created: true } }, data, staff)).toEqual({
      kind: "created",
      id: outcome.id,
      brandName: data.brand_name,
    });
  });

  it("an email in another case that landed after the form's check: nothing written, the inline error", async () => {
    const { raw, data } = form();
    const job = await intake().receive(raw, staff, "V-case-later", data);
    await addedMeanwhile(data.creator_email.toUpperCase());
    expect(await intake().finish(job, data, staff)).toEqual({ kind: "duplicate", email: data.creator_email });
    expect(await h.tdb.db.creator.count({ where: { creatorEmail: { equals: data.creator_email, mode: "insensitive" } } })).toBe(1);
    expect(await h.tdb.db.creator.count({ where: { id: (job.payload as { creatorId: string }).creatorId } })).toBe(0);
  });

  it("race: two creates of one email at once make one creator; the other is told the email is taken", async () => {
    const { data } = form();
    const results = await Promise.allSettled([h.bot.services.creators.create(data, staff), h.bot.services.creators.create(data, staff)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "conflict", fieldErrors: { creator_email: "A creator with this email already exists." } });
    expect(await creatorsWith(data.creator_email)).toHaveLength(1);
  });
});

describe("the job a replica runs answers where the form would have", () => {
  const handler = () => creatorJobs(h.bot.deps, h.bot.services).find((j) => j.kind === NEW_CREATOR_JOB)!;
  /** Runs a job taken over from its dead holder; returns the DM it sent USTAFF. */
  async function runTakenOver(job: ClaimedJob): Promise<string> {
    await goStale(job);
    const taken = (await takeOver(`replica-${job.id}`))!;
    const from = h.slack.calls.length;
    await handler().run(taken, { signal: new AbortController().signal, checkpoint: async () => true, logger: h.bot.deps.logger });
    const dm = h.slack.calls.slice(from).find((c) => c.method === "chat.postMessage" && c.args.channel === "USTAFF");
    return String(dm?.args.text);
  }

  it("creates the creator and sends its card (by DM: this form had no stored place)", async () => {
    const { raw, data } = form();
    const job = await intake().receive(raw, staff, "V-job-created", data);
    expect(await runTakenOver(job)).toContain(`Created *${data.brand_name}*`);
    expect(await creatorsWith(data.creator_email)).toHaveLength(1);
  });

  it("a duplicate that landed meanwhile: nothing saved, the person told why, the refusal audited", async () => {
    const { raw, data } = form();
    const job = await intake().receive(raw, staff, "V-job-dup", data);
    await addedMeanwhile(data.creator_email);
    expect(await runTakenOver(job)).toContain(`Nothing was saved: a creator with the email *${data.creator_email}*`);
    expect(await creatorsWith(data.creator_email)).toHaveLength(1);
    expect(
      await h.tdb.db.auditLog.count({ where: { slackUserId: "USTAFF", notes: { startsWith: "refused: creator_email already in use" } } }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("dead-lettered after its last attempt: the person is told nothing was saved", async () => {
    const { raw, data } = form();
    const job = await intake().receive(raw, staff, "V-job-dead", data);
    const from = h.slack.calls.length;
    await handler().onDead!(job, "boom");
    const dm = h.slack.calls.slice(from).find((c) => c.method === "chat.postMessage" && c.args.channel === "USTAFF");
    expect(String(dm?.args.text)).toContain(`I couldn't save the new creator *${data.brand_name}* after several tries, so nothing was saved`);
  });
});
