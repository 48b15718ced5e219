import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, TEST_SIGNING_SECRET, type Harness } from "../helpers/bot-harness.js";
import { signSlackRequest } from "../../src/slack/signature.js";

// Issue 14, item 8: the HTTP receiver against clients that do not behave like Slack, on raw
// sockets. What a request needs without its body is checked before the body is read; a slow
// client is cut off at the configured deadline; the number of open sockets is capped.

const REQUEST_TIMEOUT_MS = 2_500;
const HEADERS_TIMEOUT_MS = 2_000;
const MAX_CONNECTIONS = 6;
/** Node checks its timeouts once a second; a refusal "at once" gets well under that. */
const SLACK = 1_500;

let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startHarness({
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
  });
  port = h.bot.port;
});
afterAll(async () => {
  await h?.close();
});

type Outcome = { response: string; closed: boolean; ms: number };

/**
 * Opens a socket, sends `head` (then `trickle`, a few bytes at a time), and reports what came
 * back when the server closed it, or when `waitMs` ran out.
 */
function rawRequest(head: string, opts: { trickle?: string; everyMs?: number; waitMs: number }): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1");
    let response = "";
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ response, closed, ms: Date.now() - started });
    };
    const giveUp = setTimeout(() => finish(false), opts.waitMs);
    socket.on("data", (d) => (response += d.toString()));
    socket.on("close", () => finish(true));
    socket.on("error", () => undefined);
    socket.on("connect", () => {
      socket.write(head);
      let i = 0;
      if (opts.trickle) {
        timer = setInterval(() => {
          if (i < opts.trickle!.length && !socket.destroyed) socket.write(opts.trickle![i++]!);
        }, opts.everyMs ?? 300);
      }
    });
  });
}

const now = () => Math.floor(Date.now() / 1000);
const wellFormedSignature = () => ({ "x-slack-request-timestamp": String(now()), "x-slack-signature": `v0=${"0".repeat(64)}` });
const head = (headers: Record<string, string>) =>
  `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;
const status = (o: Outcome) => Number(/^HTTP\/1\.1 (\d{3})/.exec(o.response)?.[1] ?? 0);

describe("the HTTP receiver", () => {
  it("caps open connections: one over HTTP_MAX_CONNECTIONS is dropped at once, while the others stay open", async () => {
    const held = await Promise.all(
      Array.from(
        { length: MAX_CONNECTIONS },
        () =>
          new Promise<net.Socket>((r) => {
            const s = net.connect(port, "127.0.0.1", () => r(s));
            s.on("error", () => undefined);
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 100)); // let the server accept them all
    try {
      const extra = await rawRequest(head({ "content-type": "application/json", "content-length": "2" }), { waitMs: HEADERS_TIMEOUT_MS + 3 * SLACK });
      expect(extra.closed).toBe(true);
      expect(status(extra)).toBe(0); // dropped, never answered
      expect(held.filter((s) => s.destroyed || s.readableEnded)).toHaveLength(0);
    } finally {
      for (const s of held) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
  });

  it("a request without signature headers gets 401 at once, without its body being read (it is never sent)", async () => {
    const o = await rawRequest(head({ "content-type": "application/x-www-form-urlencoded", "content-length": "50000" }), {
      waitMs: REQUEST_TIMEOUT_MS + 3 * SLACK,
    });
    expect(status(o)).toBe(401);
    expect(o.closed).toBe(true);
    expect(o.ms).toBeLessThan(SLACK);
    // A stale timestamp is refused the same way.
    const stale = await rawRequest(
      head({
        "content-type": "application/json",
        "content-length": "50000",
        "x-slack-request-timestamp": String(now() - 600),
        "x-slack-signature": `v0=${"0".repeat(64)}`,
      }),
      { waitMs: REQUEST_TIMEOUT_MS + 3 * SLACK },
    );
    expect(status(stale)).toBe(401);
    expect(stale.ms).toBeLessThan(SLACK);
  });

  it("an oversized Content-Length gets 413 at once", async () => {
    const o = await rawRequest(head({ "content-type": "application/json", "content-length": String(5 * 1024 * 1024), ...wellFormedSignature() }), {
      waitMs: REQUEST_TIMEOUT_MS + 3 * SLACK,
    });
    expect(status(o)).toBe(413);
    expect(o.closed).toBe(true);
    expect(o.ms).toBeLessThan(SLACK);
  });

  it("a client trickling its body a few bytes a second is cut off within HTTP_REQUEST_TIMEOUT_MS", async () => {
    const o = await rawRequest(head({ "content-type": "application/x-www-form-urlencoded", "content-length": "1000", ...wellFormedSignature() }), {
      trickle: "payload=".repeat(50),
      everyMs: 250,
      waitMs: REQUEST_TIMEOUT_MS + 4 * SLACK,
    });
    expect(o.closed).toBe(true);
    expect(o.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2 * SLACK);
    expect(status(o)).toBe(408);
  });

  it("a client trickling its headers is cut off within HTTP_HEADERS_TIMEOUT_MS", async () => {
    const o = await rawRequest("POST /slack/events HTTP/1.1\r\n", {
      trickle: `X-Slow: ${"a".repeat(200)}`,
      everyMs: 250,
      waitMs: HEADERS_TIMEOUT_MS + 4 * SLACK,
    });
    expect(o.closed).toBe(true);
    expect(o.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 2 * SLACK);
  });

  it("Slack itself is unaffected: a signed request, and the unsigned ssl_check", async () => {
    const body = new URLSearchParams({ ssl_check: "1", token: "legacy" }).toString();
    const ssl = await fetch(`${h.baseUrl}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    expect(ssl.status).toBe(200);
    const challenge = JSON.stringify({ type: "url_verification", challenge: "c-123" });
    const signed = await fetch(`${h.baseUrl}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signSlackRequest(TEST_SIGNING_SECRET, challenge, now()) },
      body: challenge,
    });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ challenge: "c-123" });
    const forged = await fetch(`${h.baseUrl}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json", ...wellFormedSignature() },
      body: challenge,
    });
    expect(forged.status).toBe(401);
  });
});
