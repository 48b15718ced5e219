import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerTo, grantRoles, startHarness, type Harness } from "../helpers/bot-harness.js";
import { parseMetrics, scrape, sampleSum, type Sample } from "../helpers/metrics-text.js";
import { REVEAL_DELETE_JOB } from "../../src/features/vault/reveal-deletion.js";
import { approvedRequest, click, insertCredential, makeCreator, until } from "./vault-support.js";

// Issue 16, item 7: operators can see the bot. Signed requests drive the real bot, then a
// scrape of GET /metrics must show the counters moved for what was done, with bounded labels.

const TOKEN = "scrape-token-for-tests-0123456789";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ METRICS_TOKEN: TOKEN, REVEAL_MESSAGE_TTL_SECONDS: "1" });
  await grantRoles(h, { USTAFF: "staff" });
});
afterAll(async () => {
  await h?.close();
});

const metrics = () => scrape(h.baseUrl, TOKEN);

describe("GET /metrics", () => {
  it("requires the bearer token when METRICS_TOKEN is set", async () => {
    expect((await fetch(`${h.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${h.baseUrl}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const res = await fetch(`${h.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const samples = parseMetrics(await res.text());
    // prom-client's default process metrics, and both pools.
    expect(sampleSum(samples, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === "wl_db_pool_connections" && s.labels.pool === "requests")).toBe(true);
    expect(samples.some((s) => s.name === "wl_db_pool_waiting_clients" && s.labels.pool === "jobs")).toBe(true);
  });

  it("counts a command by surface and route, with its ack and completion latency", async () => {
    const before = await metrics();
    const { responseUrl } = await h.command("USTAFF", "help");
    await answerTo(h, responseUrl);
    await until(
      async () =>
        sampleSum(await metrics(), "wl_slack_request_seconds_count", { surface: "command", route: "help" }) >
        sampleSum(before, "wl_slack_request_seconds_count", { surface: "command", route: "help" }),
    );
    const after = await metrics();
    const moved = (name: string, labels: Record<string, string>) => sampleSum(after, name, labels) - sampleSum(before, name, labels);
    expect(moved("wl_slack_requests_total", { surface: "command", route: "help", outcome: "ok" })).toBe(1);
    expect(moved("wl_slack_ack_seconds_count", { surface: "command", route: "help" })).toBe(1);
    // The ack comes before the answer: within Slack's 3 s, counted in the le="3" bucket.
    expect(moved("wl_slack_ack_seconds_bucket", { surface: "command", route: "help", le: "3" })).toBe(1);
    // Its VIEW row went through the group commit.
    expect(moved("wl_audit_rows_total", { source: "batch" })).toBeGreaterThanOrEqual(1);
  });

  it("counts refusals by kind, and forged ids and user ids never become label values", async () => {
    const before = await metrics();
    const { responseUrl } = await h.command("UNOBODY", "find Someone");
    await answerTo(h, responseUrl);
    const forged = "forged_action_8c1f2e";
    const clicked = await h.action("USTAFF", { action_id: forged, value: "x" });
    await answerTo(h, clicked.responseUrl);
    let after: Sample[] = [];
    await until(async () => {
      after = await metrics();
      return sampleSum(after, "wl_slack_requests_total", { surface: "action" }) > sampleSum(before, "wl_slack_requests_total", { surface: "action" });
    });
    expect(sampleSum(after, "wl_refusals_total", { kind: "no_role" }) - sampleSum(before, "wl_refusals_total", { kind: "no_role" })).toBe(1);
    expect(sampleSum(after, "wl_refusals_total", { kind: "forbidden" }) - sampleSum(before, "wl_refusals_total", { kind: "forbidden" })).toBe(1);
    expect(
      sampleSum(after, "wl_slack_requests_total", { surface: "action", route: "unknown" }) -
        sampleSum(before, "wl_slack_requests_total", { surface: "action", route: "unknown" }),
    ).toBe(1);
    const values = new Set(after.flatMap((s) => Object.values(s.labels)));
    for (const v of [forged, "UNOBODY", "USTAFF", "Someone"]) expect(values.has(v)).toBe(false);
  });

  it("counts audited changes, a reveal's outcome and the job that deletes it", async () => {
    const before = await metrics();
    const creatorId = await makeCreator(h.tdb.db, "Metrics Co");
    const cred = await insertCredential(h.tdb.db, creatorId, { platform: "Metered", password: h.bot.deps.fernet.encrypt("Metrics-Secret-Pw-77") });
    const requestId = await approvedRequest(h, cred);
    await click(h, "USTAFF", "reveal_once", requestId);
    // The revealed message is deleted a second later, by the job queue.
    await until(
      async () =>
        sampleSum(await metrics(), "wl_job_runs_total", { kind: REVEAL_DELETE_JOB, outcome: "completed" }) >
        sampleSum(before, "wl_job_runs_total", { kind: REVEAL_DELETE_JOB, outcome: "completed" }),
      10_000,
    );
    const after = await metrics();
    const moved = (name: string, labels: Record<string, string>) => sampleSum(after, name, labels) - sampleSum(before, name, labels);
    expect(moved("wl_reveal_outcomes_total", { outcome: "shown" })).toBe(1);
    expect(moved("wl_job_runs_total", { kind: REVEAL_DELETE_JOB, outcome: "completed" })).toBe(1);
    expect(moved("wl_job_run_seconds_count", { kind: REVEAL_DELETE_JOB })).toBe(1);
    // The request, the approval, the claim and the deletion each committed audit rows with their change.
    expect(moved("wl_audit_rows_total", { source: "audited" })).toBeGreaterThanOrEqual(4);
    // The form and the two buttons, each under its registered id.
    expect(moved("wl_slack_requests_total", { surface: "view", route: "reveal_reason" })).toBe(1);
    expect(moved("wl_slack_requests_total", { surface: "action", route: "reveal_approve" })).toBe(1);
    expect(moved("wl_slack_requests_total", { surface: "action", route: "reveal_once" })).toBe(1);
  });

  it("counts the Slack client's rate-limited retries", async () => {
    const before = await metrics();
    // Slack answers 429 once (retry at once), then as usual.
    let limited = false;
    h.slack.on("chat.postMessage", () => {
      if (limited) return undefined;
      limited = true;
      return { status: 429, headers: { "retry-after": "0" }, body: { ok: false, error: "ratelimited" } };
    });
    try {
      await h.bot.deps.client.chat.postMessage({ channel: "C0CHAN", text: "metered" });
    } finally {
      h.slack.on("chat.postMessage", () => undefined);
    }
    const after = await metrics();
    expect(sampleSum(after, "wl_slack_api_rate_limited_total") - sampleSum(before, "wl_slack_api_rate_limited_total")).toBe(1);
    expect(
      sampleSum(after, "wl_slack_api_retries_total", { reason: "rate_limited" }) - sampleSum(before, "wl_slack_api_retries_total", { reason: "rate_limited" }),
    ).toBe(1);
  });
});
