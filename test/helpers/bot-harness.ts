import { randomBytes } from "node:crypto";
import { loadConfig, type Config } from "../../src/config.js";
import { startBot, type RunningBot } from "../../src/bot.js";
import type { WorkerOptions } from "../../src/jobs/job-worker.js";
import { signSlackRequest } from "../../src/slack/signature.js";
import { FakeSlack, type FakeUser } from "./fake-slack.js";
import { createTestDatabase, type TestDatabase } from "./test-db.js";
import { captureLogger } from "./logs.js";
import { findLeaks, jsonWithBigInt, recordScan, secretsIn } from "./leak-scan.js";
import { inject, expect } from "vitest";

export const TEST_SIGNING_SECRET = "test-signing-secret-0123456789abcdef";
export const TEST_KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
export const TEAM = "T0TEST";

export type Harness = {
  bot: RunningBot;
  slack: FakeSlack;
  tdb: TestDatabase;
  config: Config;
  logs: ReturnType<typeof captureLogger>;
  baseUrl: string;
  clock: { now(): Date; set(d: Date | string): void };
  /** Signed POST as Slack sends it. */
  post(body: string, contentType: string, headers?: Record<string, string>): Promise<Response>;
  command(user: string, text: string, extra?: Record<string, string>): Promise<{ status: number; responseUrl: string; triggerId: string }>;
  /** The same slash command, sent to another bot (a replica, a child process) on this database. */
  commandAt(baseUrl: string, user: string, text: string): Promise<{ status: number; responseUrl: string; triggerId: string }>;
  action(
    user: string,
    action: { action_id: string; value?: string; block_id?: string },
    extra?: Record<string, unknown>,
  ): Promise<{ status: number; responseUrl: string }>;
  /** `id`: the view id Slack gave the modal when it opened (default V0VIEW, a form opened nowhere known). */
  submit(
    user: string,
    view: { id?: string; callback_id: string; private_metadata?: string; values: Record<string, Record<string, unknown>> },
  ): Promise<{ status: number; body: unknown }>;
  event(user: string, event: Record<string, unknown>, opts?: { eventId?: string; retryNum?: number }): Promise<{ status: number }>;
  /** One more place no secret may appear (e.g. ephemeral answers, requests sent to Anthropic), searched by the leak scan at close. */
  scanAlso(where: string, text: () => string): void;
  close(): Promise<void>;
};

/**
 * The real bot on a fresh database, its Slack faked over HTTP. Users: UADMIN (bootstrap admin),
 * UMANAGER, USTAFF, USTAFF2 (roles granted here), UNOBODY (no role).
 */
export async function startHarness(env: Record<string, string> = {}, botOpts: { jobs?: WorkerOptions & { start?: boolean } } = {}): Promise<Harness> {
  const slack = await new FakeSlack().start();
  for (const u of defaultUsers) slack.addUser(u);
  const tdb = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: "test",
    SLACK_BOT_TOKEN: "xoxb-test-token",
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    // The bot serves requests as the limited app role, as in production; tdb.db stays the owner.
    DATABASE_URL: tdb.appUrl,
    FIELD_ENCRYPTION_KEY: TEST_KEY,
    ADMIN_SLACK_USER_IDS: "UADMIN",
    PORT: "0",
    LOG_LEVEL: "debug",
    ...env,
  });
  const logs = captureLogger();
  let now: Date | null = null;
  const clock = {
    now: () => now ?? new Date(),
    set: (d: Date | string) => {
      now = new Date(d);
    },
  };
  // Jobs are polled often so tests see queued work run promptly.
  const bot = await startBot(config, logs.logger, { host: "127.0.0.1", clock, schedules: false, jobs: { pollMs: 100, heartbeatMs: 500, ...botOpts.jobs } });
  const baseUrl = `http://127.0.0.1:${bot.port}`;

  const postTo = (url: string, body: string, contentType: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/slack/events`, {
      method: "POST",
      headers: { "content-type": contentType, ...signSlackRequest(TEST_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)), ...headers },
      body,
    });
  const post = (body: string, contentType: string, headers: Record<string, string> = {}) => postTo(baseUrl, body, contentType, headers);
  const commandAt = async (url: string, user: string, text: string, extra: Record<string, string> = {}) => {
    const responseUrl = slack.responseUrl();
    const triggerId = `trg.${randomBytes(4).toString("hex")}`;
    const body = new URLSearchParams({
      token: "legacy",
      team_id: TEAM,
      team_domain: "studio",
      channel_id: "C0CHAN",
      channel_name: "general",
      user_id: user,
      user_name: user.toLowerCase(),
      command: "/wl",
      text,
      api_app_id: "A0APP",
      response_url: responseUrl,
      trigger_id: triggerId,
      ...extra,
    }).toString();
    const res = await postTo(url, body, "application/x-www-form-urlencoded");
    await res.text();
    return { status: res.status, responseUrl, triggerId };
  };

  const extraScans = new Map<string, () => string>();
  const h: Harness = {
    bot,
    slack,
    tdb,
    config,
    logs,
    baseUrl,
    clock,
    post,
    command: (user, text, extra = {}) => commandAt(baseUrl, user, text, extra),
    commandAt: (url, user, text) => commandAt(url, user, text),
    async action(user, action, extra = {}) {
      const responseUrl = slack.responseUrl();
      const payload = {
        type: "block_actions",
        team: { id: TEAM, domain: "studio" },
        user: { id: user, team_id: TEAM, name: user.toLowerCase() },
        api_app_id: "A0APP",
        trigger_id: `trg.${randomBytes(4).toString("hex")}`,
        response_url: responseUrl,
        container: { type: "message", message_ts: "1700000000.000100", channel_id: "C0CHAN", is_ephemeral: true },
        channel: { id: "C0CHAN", name: "general" },
        actions: [{ type: "button", block_id: action.block_id ?? "b1", action_ts: "1700000001.000200", ...action }],
        ...extra,
      };
      const res = await post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded");
      await res.text();
      return { status: res.status, responseUrl };
    },
    async submit(user, view) {
      const payload = viewSubmission(user, view);
      const res = await post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded");
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    async event(user, event, opts = {}) {
      const body = JSON.stringify({
        token: "legacy",
        team_id: TEAM,
        api_app_id: "A0APP",
        type: "event_callback",
        event_id: opts.eventId ?? `Ev${randomBytes(5).toString("hex")}`,
        event_time: Math.floor(Date.now() / 1000),
        event: { user, ...event },
        authorizations: [{ team_id: TEAM, user_id: "UBOT", is_bot: true }],
      });
      const res = await post(
        body,
        "application/json",
        opts.retryNum ? { "x-slack-retry-num": String(opts.retryNum), "x-slack-retry-reason": "http_timeout" } : {},
      );
      await res.text();
      return { status: res.status };
    },
    scanAlso(where, text) {
      extraScans.set(where, text);
    },
    async close() {
      await bot.stop();
      await slack.stop();
      try {
        const secrets = await secretsIn(tdb.db, bot.deps.fernet);
        const audit = await tdb.db.auditLog.findMany();
        const jobs = await tdb.db.job.findMany();
        const leaks = findLeaks(secrets, {
          logs: logs.text(),
          "audit rows": jsonWithBigInt(audit),
          // Payloads, progress and last errors of the job queue: never a plaintext.
          "job rows": jsonWithBigInt(jobs),
          "non-ephemeral Slack calls": slack.transcript({ excludeEphemeral: true }),
          ...Object.fromEntries([...extraScans].map(([where, text]) => [where, text()])),
        });
        recordScan(inject("leakReport"), { file: expect.getState().testPath ?? "?", secrets: secrets.length, leaks });
        if (leaks.length > 0) throw new Error(`secrets leaked: ${JSON.stringify(leaks)}`);
      } finally {
        await tdb.drop();
      }
    },
  };
  return h;
}

export const defaultUsers: FakeUser[] = [
  { id: "UADMIN", email: "ada@studio.test", name: "Ada Admin" },
  { id: "UADMIN2", email: "alan@studio.test", name: "Alan Admin" },
  { id: "UMANAGER", email: "mia@studio.test", name: "Mia Manager" },
  { id: "USTAFF", email: "sam@studio.test", name: "Sam Staff" },
  { id: "USTAFF2", email: "sky@studio.test", name: "Sky Staff" },
  { id: "UNOBODY", email: "nobody@elsewhere.test", name: "No Body" },
  { id: "UBOTUSER", name: "Some Bot", isBot: true },
];

/** Grants roles the way an admin would, through /wl role, and waits for each answer. */
export async function grantRoles(h: Harness, roles: Record<string, string>): Promise<void> {
  for (const [user, role] of Object.entries(roles)) {
    const { responseUrl } = await h.command("UADMIN", `role <@${user}> ${role}`);
    await h.slack.waitFor(() => h.slack.responses.find((r) => responseUrl.endsWith(r.id)));
  }
}

/** The response_url answer to one request. */
export async function answerTo(h: Harness, responseUrl: string, timeoutMs?: number): Promise<Record<string, unknown>> {
  const r = await h.slack.waitFor(() => h.slack.responses.find((x) => responseUrl.endsWith(`/${x.id}`)), timeoutMs);
  return r.body;
}

/** A view_submission payload as Slack sends it (blocks: one input per submitted value). */
export function viewSubmission(
  user: string,
  view: { id?: string; callback_id: string; private_metadata?: string; values: Record<string, Record<string, unknown>> },
): Record<string, unknown> {
  return {
    type: "view_submission",
    team: { id: TEAM, domain: "studio" },
    user: { id: user, team_id: TEAM, name: user.toLowerCase() },
    api_app_id: "A0APP",
    trigger_id: `trg.${randomBytes(4).toString("hex")}`,
    view: {
      id: view.id ?? "V0VIEW",
      type: "modal",
      callback_id: view.callback_id,
      private_metadata: view.private_metadata ?? "",
      blocks: Object.keys(view.values).map((block_id) => ({ type: "input", block_id })),
      state: { values: view.values },
      hash: "h1",
      title: { type: "plain_text", text: "t" },
    },
  };
}
