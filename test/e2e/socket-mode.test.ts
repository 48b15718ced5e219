import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startBot, type RunningBot } from "../../src/bot.js";
import { defaultUsers, TEAM, TEST_KEY } from "../helpers/bot-harness.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { FakeSocketMode } from "../helpers/fake-socket-mode.js";
import { captureLogger } from "../helpers/logs.js";
import { scrape, sampleSum } from "../helpers/metrics-text.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";

// Issue 16, item 7: in Socket Mode the bot listens on no Slack port, yet /healthz, /readyz and
// /metrics must answer. The real bot connects to a fake Socket Mode endpoint, takes a slash
// command over the WebSocket, and its ops server reports it.

let slack: FakeSlack;
let ws: FakeSocketMode;
let tdb: TestDatabase;
let bot: RunningBot;
const ops = (path: string) => `http://127.0.0.1:${bot.opsPort}${path}`;

beforeAll(async () => {
  ws = await new FakeSocketMode().start();
  slack = await new FakeSlack().start();
  for (const u of defaultUsers) slack.addUser(u);
  slack.on("apps.connections.open", () => ({ ok: true, url: ws.url }));
  tdb = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: "test",
    SLACK_BOT_TOKEN: "xoxb-test-token",
    SLACK_APP_TOKEN: "xapp-test-token",
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: tdb.appUrl,
    FIELD_ENCRYPTION_KEY: TEST_KEY,
    ADMIN_SLACK_USER_IDS: "UADMIN",
    OPS_PORT: "0",
    LOG_LEVEL: "debug",
  });
  bot = await startBot(config, captureLogger().logger, { host: "127.0.0.1", schedules: false });
});
afterAll(async () => {
  await bot?.stop({ graceMs: 3_000 });
  await ws?.stop();
  await slack?.stop();
  await tdb?.drop();
});

describe("Socket Mode", () => {
  it("serves /healthz, /readyz and /metrics on the ops server, and counts a command that came over the WebSocket", async () => {
    expect(ws.connections).toBe(1);
    expect(bot.port).toBe(0);
    expect(await (await fetch(ops("/healthz"))).json()).toEqual({ ok: true });
    expect((await fetch(ops("/readyz"))).status).toBe(200);

    const responseUrl = slack.responseUrl("socket-help");
    ws.send({
      type: "slash_commands",
      envelope_id: "env-help-1",
      accepts_response_payload: true,
      payload: {
        token: "legacy",
        team_id: TEAM,
        team_domain: "studio",
        channel_id: "C0CHAN",
        channel_name: "general",
        user_id: "UADMIN",
        user_name: "uadmin",
        command: "/wl",
        text: "help",
        api_app_id: "A0APP",
        response_url: responseUrl,
        trigger_id: "trg.socket",
      },
    });
    await slack.waitFor(() => ws.received.find((m) => m.envelope_id === "env-help-1"));
    const answer = await slack.waitFor(() => slack.responses.find((r) => r.id === "socket-help"));
    expect(JSON.stringify(answer.body)).toMatch(/wl/);

    const counted = async () =>
      sampleSum(await scrape(`http://127.0.0.1:${bot.opsPort}`), "wl_slack_request_seconds_count", { surface: "command", route: "help" });
    const end = Date.now() + 5_000;
    while ((await counted()) < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const samples = await scrape(`http://127.0.0.1:${bot.opsPort}`);
    expect(sampleSum(samples, "wl_slack_requests_total", { surface: "command", route: "help", outcome: "ok" })).toBe(1);
    expect(sampleSum(samples, "wl_slack_ack_seconds_count", { surface: "command", route: "help" })).toBe(1);
    expect(sampleSum(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});
