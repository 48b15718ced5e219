import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQs } from "node:querystring";
import { HTTPResponseAck, HTTPModuleFunctions, type App, type Receiver, type ReceiverEvent } from "@slack/bolt";
import type { Logger } from "../logger.js";
import { verifySlackSignature } from "./signature.js";

const BODY_LIMIT = 1024 * 1024;

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
    },
  ) {}

  init(app: App): void {
    this.app = app;
  }

  async start(port: number, host = "0.0.0.0"): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        this.opts.logger.error({ err: e }, "request handling failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.keepAliveTimeout = 65_000;
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

    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT);
    } catch {
      return void res.writeHead(413).end();
    }
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
    if (contentType === "application/x-www-form-urlencoded" && raw.length < 64) {
      // Slack's ssl_check is unsigned; answer it without parsing anything else from the body.
      const q = parseQs(raw.toString());
      if (q.ssl_check === "1") return void res.writeHead(200).end();
    }
    const verdict = verifySlackSignature({
      signingSecret: this.opts.signingSecret,
      rawBody: raw,
      timestampHeader: header(req, "x-slack-request-timestamp"),
      signatureHeader: header(req, "x-slack-signature"),
      nowSeconds: Math.floor((this.opts.now?.() ?? Date.now()) / 1000),
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

/** Reads a request body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
