import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainAuthTestFailure } from "../../src/slack/auth-test-failure.js";
import { keepAliveFetch } from "../../src/slack/keep-alive-http.js";

// Real WebClient failures, classified: a wrong token and an unreachable Slack need different
// fixes, so the start-up message must say which one happened. Through both transports a
// WebClient can have: global fetch (its default) and the bot's keep-alive one.

let slack: http.Server;
let slackUrl = "";
let answer: { status: number; body: unknown } = { status: 200, body: { ok: true } };
let silent: net.Server;
let silentUrl = "";
const held = new Set<net.Socket>();

beforeAll(async () => {
  slack = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body)));
  });
  await new Promise<void>((r) => slack.listen(0, "127.0.0.1", () => r()));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/api/`;
  // Accepts the connection and never answers: a black-holed proxy or a hung API.
  silent = net.createServer((s) => {
    held.add(s);
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/`;
});
afterAll(async () => {
  slack.closeAllConnections();
  await new Promise((r) => slack.close(r));
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
});

let transport: { fetch?: typeof fetch } = {};

async function failureOf(apiUrl: string, opts: { timeout?: number } = {}) {
  const client = new WebClient("xoxb-test", { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, ...transport, ...opts });
  const e = await client.auth.test().then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).not.toBeNull();
  return explainAuthTestFailure(e, apiUrl);
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe.each([
  ["global fetch", {}],
  ["the bot's keep-alive transport", { fetch: keepAliveFetch }],
])("explainAuthTestFailure, through %s", (_name, t) => {
  beforeAll(() => {
    transport = t;
  });

  it.each(["invalid_auth", "not_authed", "account_inactive", "token_revoked"])("%s: Slack rejected the token", async (error) => {
    answer = { status: 200, body: { ok: false, error } };
    const f = await failureOf(slackUrl);
    expect(f.kind).toBe("token");
    expect(f.message).toMatch(new RegExp(`^Slack rejected SLACK_BOT_TOKEN \\(auth.test: ${error}\\)`));
  });

  it("connection refused: Slack was not reached, and the message does not blame the token", async () => {
    const f = await failureOf(`http://127.0.0.1:${await closedPort()}/api/`);
    expect(f.kind).toBe("network");
    expect(f.message).toMatch(
      /^Could not reach Slack's Web API at http:\/\/127\.0\.0\.1:\d+\/api\/ \(SLACK_API_URL\) to check SLACK_BOT_TOKEN \(.*ECONNREFUSED/,
    );
    expect(f.message).toContain("not a token problem");
    expect(f.message).not.toMatch(/rejected/);
  });

  it("a name that does not resolve (DNS): not reached", async () => {
    const f = await failureOf("http://slack-api.invalid/api/");
    expect(f.kind).toBe("network");
    expect(f.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it("no answer within the timeout: not reached", async () => {
    const f = await failureOf(silentUrl, { timeout: 300 });
    expect(f.kind).toBe("network");
    expect(f.message).toMatch(/timeout|ECONNABORTED|ETIMEDOUT/i);
  });

  it("Slack answered with a server error: neither the token nor the network is blamed", async () => {
    answer = { status: 503, body: "unavailable" };
    const f = await failureOf(slackUrl);
    expect(f.kind).toBe("slack");
    expect(f.message).toMatch(/answered HTTP 503 to auth.test, so SLACK_BOT_TOKEN was not checked/);
  });

  it("without SLACK_API_URL the message names Slack's own address", () => {
    const f = explainAuthTestFailure(Object.assign(new Error("getaddrinfo ENOTFOUND slack.com"), { code: "ENOTFOUND" }), undefined);
    expect(f).toEqual({ kind: "network", message: expect.stringContaining("Could not reach Slack's Web API (https://slack.com/api/)") });
  });
});
