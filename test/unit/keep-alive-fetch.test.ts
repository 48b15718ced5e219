import http from "node:http";
import type { AddressInfo } from "node:net";
import { ErrorCode, WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKeepAliveFetch, keepAliveFetch, slackAgents } from "../../src/slack/keep-alive-http.js";
import { postToResponseUrl } from "../../src/slack/response-url.js";
import { slackClientOptions } from "../../src/slack/web-client.js";

// The Web API client's transport: what WebClient sends and reads must survive the trip through
// node:http, and its calls must share the keep-alive agent the response_url answers use.

type Seen = { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string; socket: unknown };
let server: http.Server;
let base = "";
let seen: Seen[] = [];
let reply: (res: http.ServerResponse) => void = (res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body, socket: req.socket });
      reply(res);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen = [];
  reply = (res) => res.writeHead(200, { "content-type": "application/json", "x-oauth-scopes": "chat:write, users:read" }).end('{"ok":true,"ts":"1.2"}');
});

const metrics = { slackRetry: () => undefined, slackRateLimited: () => undefined };
const client = (opts: Record<string, unknown> = {}) =>
  new WebClient("xoxb-test", { ...slackClientOptions(`${base}/api`, metrics), retryConfig: { retries: 0 }, ...opts });

describe("the bot's WebClient transport", () => {
  it("sends the call as WebClient builds it and hands back Slack's answer and headers", async () => {
    const r = await client().chat.postMessage({ channel: "C1", text: "Hi & <bye>", blocks: [{ type: "divider" }] });
    expect(r).toMatchObject({ ok: true, ts: "1.2", response_metadata: { scopes: ["chat:write", "users:read"] } });
    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call).toMatchObject({ method: "POST", url: "/api/chat.postMessage" });
    expect(call!.headers.authorization).toBe("Bearer xoxb-test");
    expect(call!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Number(call!.headers["content-length"])).toBe(Buffer.byteLength(call!.body));
    const form = new URLSearchParams(call!.body);
    expect(form.get("channel")).toBe("C1");
    expect(form.get("text")).toBe("Hi & <bye>");
    expect(JSON.parse(form.get("blocks")!)).toEqual([{ type: "divider" }]);
  });

  it("Web API calls and response_url answers share one keep-alive connection", async () => {
    const c = client();
    await c.auth.test();
    await postToResponseUrl(`${base}/respond/1`, { text: "x" });
    await c.chat.postMessage({ channel: "C1", text: "again" });
    expect(seen.map((s) => s.url)).toEqual(["/api/auth.test", "/respond/1", "/api/chat.postMessage"]);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    expect(Object.keys(slackAgents["http:"].freeSockets)).toContain(`127.0.0.1:${new URL(base).port}:`);
  });

  it("a 429 reaches WebClient with its Retry-After, as Slack's rate limit", async () => {
    reply = (res) => res.writeHead(429, { "retry-after": "7", "content-type": "application/json" }).end('{"ok":false,"error":"ratelimited"}');
    const e = await client({ rejectRateLimitedCalls: true })
      .chat.postMessage({ channel: "C1", text: "x" })
      .catch((err: unknown) => err);
    expect(e).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
  });

  it("a non-200 answer is an HTTP error carrying its status and body", async () => {
    reply = (res) => res.writeHead(502, { "content-type": "text/plain" }).end("bad gateway");
    const e = await client()
      .chat.postMessage({ channel: "C1", text: "x" })
      .catch((err: unknown) => err);
    expect(e).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 502, body: "bad gateway" });
  });

  it("keeps every value of a repeated header and the URL it answered for", async () => {
    reply = (res) =>
      res
        .writeHead(200, [
          ["set-cookie", "a=1"],
          ["set-cookie", "b=2"],
          ["content-type", "text/plain"],
        ])
        .end("fine");
    const r = await keepAliveFetch(`${base}/x`, { method: "POST", body: "q=1" });
    expect(r.status).toBe(200);
    expect(r.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(r.url).toBe(`${base}/x`);
    expect(await r.text()).toBe("fine");
  });

  it("an aborted call rejects and sends nothing more", async () => {
    reply = () => undefined; // never answers
    const ctl = new AbortController();
    const p = keepAliveFetch(`${base}/slow`, { method: "POST", body: "x", signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 50));
    ctl.abort();
    await expect(p).rejects.toThrow(/abort/i);
  });

  it("a connection that goes quiet fails the call instead of holding it forever", async () => {
    reply = () => undefined; // never answers
    const quiet = createKeepAliveFetch({ idleTimeoutMs: 150 });
    const e = await quiet(`${base}/hung`, { method: "POST", body: "x" }).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: "ETIMEDOUT", message: expect.stringMatching(/no bytes from 127\.0\.0\.1:\d+ for 150 ms/) });
  });
});
