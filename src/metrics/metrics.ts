import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Pool } from "../db.js";
import type { ErrorCode } from "../errors.js";

// Everything the bot counts for Prometheus, in one Registry per bot: built once in the
// composition root and handed to the parts that observe something, never a module singleton,
// so two bots in one process (tests, the sandbox) keep separate figures.
// Labels are bounded: surfaces, registered route ids, kinds and outcomes from fixed lists,
// never a user id, a free-text argument or an id Slack sent that is not in the route table.

export type Surface = "command" | "action" | "view" | "event" | "options" | "shortcut" | "other";
export type RequestLabels = Readonly<{ surface: Surface; route: string }>;
export type RequestOutcome = "ok" | "error";
/** `role`/`no_role`: the role guard; the rest are AppError codes (src/errors.ts). */
export type RefusalKind = "role" | "no_role" | ErrorCode;
/** `batch`: VIEW and refusal rows of the group commit; `audited`: rows committed with a change. */
export type AuditSource = "batch" | "audited";
export type RevealOutcome = "shown" | "refused" | "claim_failed" | "undecryptable" | "slack_refused" | "unconfirmed";
/** retry: failed, due again later; dead: no attempts left; handed_back: stopped at shutdown; lost: taken over. */
export type JobOutcome = "completed" | "retry" | "dead" | "handed_back" | "lost";
export type SlackRetryReason = "rate_limited" | "request_failed";

export type BotMetrics = ReturnType<typeof createMetrics>;

/** Slack's ack limit is 3 s: the buckets are dense below it. */
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];
const COMPLETION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: "wl_slack_requests_total",
    help: "Slack requests handled, by surface, route (a registered id, or unknown) and outcome (error: Bolt threw)",
    labelNames: ["surface", "route", "outcome"] as const,
    registers,
  });
  const ackSeconds = new Histogram({
    name: "wl_slack_ack_seconds",
    help: "Seconds from receiving a Slack request to its ack (Slack gives up after 3 s)",
    labelNames: ["surface", "route"] as const,
    buckets: ACK_BUCKETS,
    registers,
  });
  const requestSeconds = new Histogram({
    name: "wl_slack_request_seconds",
    help: "Seconds from receiving a Slack request to the end of its handling (answer sent, audit row committed)",
    labelNames: ["surface", "route"] as const,
    buckets: COMPLETION_BUCKETS,
    registers,
  });
  const refusals = new Counter({
    name: "wl_refusals_total",
    help: "Requests refused by the pipeline, by kind (role, no_role, or the AppError code), counted before the audit throttle",
    labelNames: ["kind"] as const,
    registers,
  });
  const auditRows = new Counter({
    name: "wl_audit_rows_total",
    help: "Audit rows committed by this process, by source (batch: VIEW and refusal rows; audited: rows written with a change)",
    labelNames: ["source"] as const,
    registers,
  });
  const reveals = new Counter({
    name: "wl_reveal_outcomes_total",
    help: "Reveal once clicks, by outcome",
    labelNames: ["outcome"] as const,
    registers,
  });
  const jobRuns = new Counter({
    name: "wl_job_runs_total",
    help: "Job attempts run by this process, by job kind and outcome (completed, retry, dead, handed_back, lost)",
    labelNames: ["kind", "outcome"] as const,
    registers,
  });
  const jobSeconds = new Histogram({
    name: "wl_job_run_seconds",
    help: "Seconds one job attempt ran, by job kind",
    labelNames: ["kind"] as const,
    buckets: JOB_BUCKETS,
    registers,
  });
  const slackRetries = new Counter({
    name: "wl_slack_api_retries_total",
    help: "Slack Web API calls retried by the client, by reason (rate_limited: HTTP 429; request_failed: network or 5xx)",
    labelNames: ["reason"] as const,
    registers,
  });
  const slackRateLimited = new Counter({
    name: "wl_slack_api_rate_limited_total",
    help: "HTTP 429 answers from the Slack Web API (each is waited out and retried)",
    registers,
  });

  // Read at scrape time, so the figures are current and nothing polls in between.
  const pools = new Map<string, Pick<Pool, "totalCount" | "idleCount" | "waitingCount">>();
  const poolGauge = (name: string, help: string, read: (p: Pick<Pool, "totalCount" | "idleCount" | "waitingCount">) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["pool"] as const,
      registers,
      collect() {
        for (const [pool, p] of pools) this.set({ pool }, read(p));
      },
    });
  poolGauge("wl_db_pool_connections", "Open connections in a pg pool (requests: the request pool; jobs: the job worker's)", (p) => p.totalCount);
  poolGauge("wl_db_pool_idle_connections", "Idle connections in a pg pool", (p) => p.idleCount);
  poolGauge(
    "wl_db_pool_waiting_clients",
    "Queries waiting for a connection from a pg pool (above 0 for long: the pool is too small or the database slow)",
    (p) => p.waitingCount,
  );

  return Object.freeze({
    registry,
    request(labels: RequestLabels, outcome: RequestOutcome, seconds: { ack: number | null; total: number }): void {
      requests.inc({ ...labels, outcome });
      if (seconds.ack !== null) ackSeconds.observe(labels, seconds.ack);
      requestSeconds.observe(labels, seconds.total);
    },
    refusal(kind: RefusalKind): void {
      refusals.inc({ kind });
    },
    auditRows(source: AuditSource, rows: number): void {
      if (rows > 0) auditRows.inc({ source }, rows);
    },
    revealOutcome(outcome: RevealOutcome): void {
      reveals.inc({ outcome });
    },
    jobRun(kind: string, outcome: JobOutcome, seconds: number | null): void {
      jobRuns.inc({ kind, outcome });
      if (seconds !== null) jobSeconds.observe({ kind }, seconds);
    },
    slackRetry(reason: SlackRetryReason): void {
      slackRetries.inc({ reason });
    },
    slackRateLimited(): void {
      slackRateLimited.inc();
    },
    /** Reports a pool's use at every scrape under `name` (requests, jobs, ack). */
    observePool(name: string, pool: Pick<Pool, "totalCount" | "idleCount" | "waitingCount">): void {
      pools.set(name, pool);
    },
    /** The exposition text and its content type, for GET /metrics. */
    async render(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  });
}
