import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQs } from "node:querystring";
import { HTTPResponseAck, HTTPModuleFunctions, type App, type Receiver, type ReceiverEvent } from "@slack/bolt";
import type { Logger } from "../logger.js";
import { checkSignatureHeaders, verifySlackSignature } from "./signature.js";

const BODY_LIMIT = 1024 * 1024;
/** Slack's unsigned ssl_check body is tiny; an unsigned request may send no more than this. */
const UNSIGNED_LIMIT = 64;

/**
 * What one client may cost: a request (headers and body) must arrive within requestTimeoutMs,
 * its headers within headersTimeoutMs, and no more than maxConnections sockets are open at once.
 * Slack sends small bodies at once and wants an answer within 3 s, so the defaults are generous.
 */
export type ReceiverLimits = { requestTimeoutMs: number; headersTimeoutMs: number; maxConnections: number };
export const DEFAULT_RECEIVER_LIMITS: ReceiverLimits = { requestTimeoutMs: 10_000, headersTimeoutMs: 5_000, maxConnections: 1_000 };

/** Why a body could not be read: too large (413) or too slow (408). */
export class BodyError extends Error {
  constructor(readonly status: 408 | 413) {
    super(status === 413 ? "body too large" : "body not received in time");
  }
}

export type ExtraRoute = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * Transport only: verify, parse, hand to Bolt, write the ack. Replaces Bolt's HTTPReceiver so
 * signature checks can refuse future timestamps and nothing unverified ever reaches the app.
 */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private server: http.Server | undefined;

  constructor(
    private readonly opts: {
      signingSecret: string;
      logger: Logger;
      path?: string;
      routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
      extraRoutes?: ExtraRoute[];
      now?: () => number;
      limits?: Partial<ReceiverLimits>;
    },
  ) {}

  private get limits(): ReceiverLimits {
    return { ...DEFAULT_RECEIVER_LIMITS, ...this.opts.limits };
  }

  init(app: App): void {
    this.app = app;
  }

  async start(port: number, host = "0.0.0.0"): Promise<http.Server> {
    const limits = this.limits;
    // Node enforces requestTimeout/headersTimeout on its connection check (every 30 s by
    // default): checked every second, a slow client is cut off close to its deadline.
    const server = http.createServer(
      {
        requestTimeout: limits.requestTimeoutMs,
        headersTimeout: limits.headersTimeoutMs,
        connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
      },
      (req, res) => {
        this.handle(req, res).catch((e: unknown) => {
          this.opts.logger.error({ err: e }, "request handling failed");
          if (!res.headersSent) res.writeHead(500).end();
        });
      },
    );
    server.keepAliveTimeout = 65_000;
    server.maxConnections = limits.maxConnections;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    return server;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = this.opts.routes?.[`${req.method} ${url.pathname}`];
    if (route) return route(req, res);
    for (const extra of this.opts.extraRoutes ?? []) if (await extra(req, res)) return;
    if (url.pathname !== (this.opts.path ?? "/slack/events")) return void res.writeHead(404).end();
    if (req.method !== "POST") return void res.writeHead(405, { allow: "POST" }).end();

    // Everything that needs no body is checked before any of it is read: a refusal here costs
    // the client's headers only, however large or slow the body it announced.
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
    const length = header(req, "content-length");
    if (length !== undefined && !(Number(length) <= BODY_LIMIT)) return refuseEarly(res, 413);
    const nowSeconds = Math.floor((this.opts.now?.() ?? Date.now()) / 1000);
    const headers = checkSignatureHeaders({
      timestampHeader: header(req, "x-slack-request-timestamp"),
      signatureHeader: header(req, "x-slack-signature"),
      nowSeconds,
    });
    const maybeSslCheck = !headers.ok && contentType === "application/x-www-form-urlencoded" && length !== undefined && Number(length) <= UNSIGNED_LIMIT;
    if (!headers.ok && !maybeSslCheck) {
      this.opts.logger.warn({ reason: headers.reason, ip: req.socket.remoteAddress }, "rejected a request with a bad signature");
      return refuseEarly(res, 401);
    }

    let raw: Buffer;
    try {
      raw = await readBody(req, maybeSslCheck ? UNSIGNED_LIMIT : BODY_LIMIT, { deadlineMs: this.limits.requestTimeoutMs });
    } catch (e) {
      if (e instanceof BodyError) return refuseEarly(res, e.status);
      throw e;
    }
    if (contentType === "application/x-www-form-urlencoded" && raw.length <= UNSIGNED_LIMIT) {
      // Slack's ssl_check is unsigned; answer it without parsing anything else from the body.
      const q = parseQs(raw.toString());
      if (q.ssl_check === "1") return void res.writeHead(200).end();
      if (maybeSslCheck) return refuseEarly(res, 401);
    }
    const verdict = verifySlackSignature({
      signingSecret: this.opts.signingSecret,
      rawBody: raw,
      timestampHeader: header(req, "x-slack-request-timestamp"),
      signatureHeader: header(req, "x-slack-signature"),
      nowSeconds,
    });
    if (!verdict.ok) {
      this.opts.logger.warn({ reason: verdict.reason, ip: req.socket.remoteAddress }, "rejected a request with a bad signature");
      return void res.writeHead(401).end();
    }

    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, contentType);
    } catch {
      return void res.writeHead(400).end();
    }
    if (body.type === "url_verification") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ challenge: body.challenge }));
    }
    const ack = new HTTPResponseAck({
      logger: this.opts.logger as never,
      processBeforeResponse: false,
      unhandledRequestTimeoutMillis: 3001,
      httpRequest: req as never,
      httpResponse: res,
      httpRequestBody: body,
    });
    const retryNum = header(req, "x-slack-retry-num");
    const event: ReceiverEvent = {
      body,
      ack: ack.bind(),
      retryNum: retryNum === undefined ? undefined : Number(retryNum),
      retryReason: header(req, "x-slack-retry-reason"),
      customProperties: {},
    };
    try {
      await this.app!.processEvent(event);
    } catch (e) {
      this.opts.logger.error({ err: e }, "processing a Slack request failed");
      if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, 500);
    }
  }
}

/** Answers without reading the rest of the body, and closes the connection so none is read. */
function refuseEarly(res: ServerResponse, status: 401 | 408 | 413): void {
  // Node's own requestTimeout may have answered and closed the socket first.
  if (res.headersSent || res.socket?.destroyed) return;
  res.writeHead(status, { connection: "close" }).end();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(raw: Buffer, contentType: string): Record<string, unknown> {
  const text = raw.toString("utf8");
  if (contentType === "application/x-www-form-urlencoded") {
    const q = parseQs(text);
    if (typeof q.payload === "string") return JSON.parse(q.payload) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  }
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("body is not an object");
  return parsed as Record<string, unknown>;
}

/**
 * Reads a request body, refusing more than `limit` bytes (BodyError 413) and, with a deadline,
 * a body still incomplete after `deadlineMs` (BodyError 408): a client trickling bytes cannot
 * hold a request open.
 */
export function readBody(req: IncomingMessage, limit: number, opts: { deadlineMs?: number } = {}): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = opts.deadlineMs ? setTimeout(() => done(new BodyError(408)), opts.deadlineMs) : undefined;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return done(new BodyError(413));
      chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onError = (e: Error) => done(e);
    // 'close' before 'end': the client went away mid-body.
    const onClose = () => done(new Error("request closed before its body was read"));
    function done(e: Error | null): void {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (e) {
        req.pause();
        reject(e);
      } else {
        resolve(Buffer.concat(chunks));
      }
    }
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}
