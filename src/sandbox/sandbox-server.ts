import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { parse as parseQs } from "node:querystring";
import type { Logger } from "../logger.js";
import { readBody, type ExtraRoute } from "../slack/http-receiver.js";
import type { Draft, Drafts, Json } from "./block-kit.js";
import { BotLink } from "./bot-link.js";
import { createInteractions, SHORTCUTS, type Interactions, type Outcome } from "./interactions.js";
import { createWebApi, isPng, type WebApi } from "./web-api.js";
import { Workspace, type Message } from "./workspace.js";

// The local stand-in for Slack, over HTTP: the Web API the bot calls (its SLACK_API_URL),
// response_url and file-upload endpoints, and the page a person drives it from. The same
// handler serves the sandbox's own loopback listener (up before the bot, which calls
// auth.test at start-up) and the bot's HTTP server (where the page is opened).

const PREFIX = "/sandbox/";
const BODY_LIMIT = 5 * 1024 * 1024;
/** Uploaded files (an audit export CSV can be large); Slack itself takes up to 1 GB. */
const UPLOAD_LIMIT = 100 * 1024 * 1024;
const PAGE_FILES: Record<string, string> = {
  "": "sandbox-page.html",
  "static/sandbox.js": "sandbox.js",
  "static/block-kit.js": "block-kit.js",
  "static/mrkdwn.js": "mrkdwn.js",
  "static/sandbox.css": "sandbox.css",
};
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };
// The page renders what the bot sends; if a renderer bug ever let markup through, this stops
// it from running script or phoning home.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;

export type SandboxOptions = {
  botToken: string;
  signingSecret: string;
  logger: Logger;
  /** Channels the bot's configuration names (approvals, digest), created so posts to them land. */
  channels?: readonly { id: string; name: string }[];
};

export class Sandbox {
  readonly ws: Workspace;
  readonly api: WebApi;
  readonly link: BotLink;
  readonly interactions: Interactions;
  private server: http.Server | undefined;
  private internalBase = "";
  private pageBase = "";
  private readonly streams = new Set<ServerResponse>();
  private closing = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: SandboxOptions) {
    this.ws = new Workspace(opts.channels ?? []);
    this.link = new BotLink(this.ws, opts.signingSecret);
    this.api = createWebApi(this.ws, { botToken: opts.botToken, pageUrl: () => this.pageUrl, internalUrl: () => this.internalBase });
    this.interactions = createInteractions(this.ws, this.link, { responseUrlBase: () => `${this.internalBase}response/` });
    this.unsubscribe = this.ws.onChange(() => {
      for (const res of this.streams) res.write(`data: ${JSON.stringify({ version: this.ws.version })}\n\n`);
    });
  }

  /** The page's address (on the bot's own port once connected). */
  get pageUrl(): string {
    return this.pageBase || this.internalBase;
  }

  /** The Web API base URL for the bot's SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.internalBase}api/`;
  }

  /** Starts the loopback listener the bot's WebClient talks to. */
  async listen(host = "127.0.0.1", port = 0): Promise<void> {
    const server = http.createServer((req, res) => {
      this.route(req, res)
        .then((handled) => {
          if (!handled && !res.headersSent) res.writeHead(404).end();
        })
        .catch((e: unknown) => this.fail(res, e));
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.internalBase = `http://${host}:${(server.address() as AddressInfo).port}${PREFIX}`;
  }

  /** Points the sandbox at the running bot: where to send signed requests, where the page lives. */
  connect(a: { eventsUrl: string; pageUrl: string }): void {
    this.link.connect(a.eventsUrl);
    this.pageBase = a.pageUrl;
  }

  /**
   * Ends the page's open event streams and refuses new ones. The streams live on the bot's
   * HTTP server, whose close() waits for every open response: left open, one browser tab kept
   * Ctrl-C waiting for the forced exit. Call before stopping the bot.
   */
  endStreams(): void {
    this.closing = true;
    this.unsubscribe();
    for (const res of this.streams) {
      res.end();
      // The socket too: a kept-alive connection would otherwise carry the page's reconnect.
      res.socket?.end();
    }
    this.streams.clear();
  }

  async close(): Promise<void> {
    this.endStreams();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private fail(res: ServerResponse, e: unknown): void {
    this.opts.logger.error({ err: e }, "sandbox request failed");
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("sandbox error");
  }

  /** An ExtraRoute for the bot's HTTP server; also the loopback listener's whole handler. */
  readonly route: ExtraRoute = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (path === "/" || path === "/sandbox") {
      if (req.method !== "GET") return false;
      res.writeHead(302, { location: PREFIX }).end();
      return true;
    }
    if (!path.startsWith(PREFIX)) return false;
    const rest = path.slice(PREFIX.length);

    // What the bot calls. Not for browsers: no cookies or CORS, and the token is checked.
    if (rest.startsWith("api/") && req.method === "POST") return this.webApi(req, res, rest.slice(4));
    if (rest.startsWith("response/") && req.method === "POST") {
      const raw = (await readBody(req, BODY_LIMIT)).toString("utf8");
      const out = this.interactions.respond(rest.slice(9), raw, req.headers["content-type"] ?? "");
      res.writeHead(out.status, { "content-type": "text/plain" }).end(out.body);
      return true;
    }
    if (rest.startsWith("upload/") && req.method === "POST") return this.upload(req, res, rest.slice(7));

    // What the page calls. Loopback only, and same-origin JSON only (no cross-site form posts,
    // no DNS rebinding): whoever drives the page can act as an admin of the sandbox.
    if (!LOOPBACK.test(req.headers.host ?? "")) {
      res.writeHead(403, { "content-type": "text/plain" }).end("the sandbox answers on localhost only");
      return true;
    }
    if (req.method === "GET" && rest in PAGE_FILES) return this.pageFile(res, PAGE_FILES[rest]!);
    if (req.method === "GET" && rest.startsWith("files/")) return this.file(res, rest.slice(6), url.searchParams.get("download") === "1");
    if (req.method === "GET" && rest === "ui/state") return this.json(res, 200, this.snapshot(url.searchParams.get("user") ?? ""));
    if (req.method === "GET" && rest === "ui/events") return this.events(req, res);
    if (req.method === "POST" && rest.startsWith("ui/")) return this.uiPost(req, res, rest.slice(3));
    return false;
  };

  private json(res: ServerResponse, status: number, body: unknown): true {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
    return true;
  }

  private async webApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<true> {
    const raw = (await readBody(req, BODY_LIMIT)).toString("utf8");
    const type = req.headers["content-type"] ?? "";
    let args: Json = {};
    if (type.includes("application/json")) {
      try {
        args = JSON.parse(raw) as Json;
      } catch {
        return this.json(res, 200, { ok: false, error: "invalid_json" });
      }
    } else {
      args = Object.fromEntries(Object.entries(parseQs(raw)).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const token = bearer ?? (typeof args.token === "string" ? args.token : undefined);
    delete args.token;
    return this.json(res, 200, await this.api.call(method, args, token));
  }

  private async upload(req: IncomingMessage, res: ServerResponse, id: string): Promise<true> {
    const file = this.ws.files.get(id);
    const raw = await readBody(req, UPLOAD_LIMIT);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("file_not_found");
      return true;
    }
    const type = req.headers["content-type"] ?? "";
    let content: Buffer = raw;
    if (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded")) {
      const form = await new Response(new Uint8Array(raw), { headers: { "content-type": type } }).formData();
      const part = form.get("body") ?? form.get("file") ?? [...form.values()][0];
      content = part === undefined || part === null ? Buffer.alloc(0) : typeof part === "string" ? Buffer.from(part) : Buffer.from(await part.arrayBuffer());
    }
    if (content.length !== file.size) {
      // Slack refuses bytes that do not match the length files.getUploadURLExternal announced.
      this.ws.record("notice", "error", `file upload ${file.name}: ${content.length} bytes, but ${file.size} were announced`);
      res.writeHead(400, { "content-type": "text/plain" }).end("length_mismatch");
      return true;
    }
    file.content = content;
    this.ws.record("api", "info", `file upload ${file.name} (${content.length} bytes)`);
    res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${content.length}`);
    return true;
  }

  private file(res: ServerResponse, id: string, download: boolean): true {
    const f = this.ws.files.get(id);
    if (!f?.content) {
      res.writeHead(404, { "content-type": "text/plain" }).end("no such file");
      return true;
    }
    // Plain text unless the bytes are a PNG: a file the bot uploaded must not run as a page on
    // this origin. `?download=1` saves it, as Slack's download button does.
    res.writeHead(200, {
      "content-type": isPng(f.content) ? "image/png" : "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "content-disposition": `${download ? "attachment" : "inline"}; filename="${f.name.replace(/[^\w.-]/g, "_")}"`,
      "content-security-policy": "default-src 'none'",
    });
    res.end(f.content);
    return true;
  }

  private async pageFile(res: ServerResponse, name: string): Promise<true> {
    const body = await readFile(new URL(`./page/${name}`, import.meta.url));
    res.writeHead(200, {
      "content-type": TYPES[name.split(".").pop()!] ?? "application/octet-stream",
      "cache-control": "no-cache",
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    res.end(body);
    return true;
  }

  private events(req: IncomingMessage, res: ServerResponse): true {
    if (this.closing) {
      res.writeHead(503, { "content-type": "text/plain", connection: "close" }).end("the sandbox is shutting down");
      return true;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    res.write(`retry: 1000\ndata: ${JSON.stringify({ version: this.ws.version })}\n\n`);
    this.streams.add(res);
    const ping = setInterval(() => res.write(": ping\n\n"), 20_000);
    ping.unref();
    req.on("close", () => {
      clearInterval(ping);
      this.streams.delete(res);
    });
    return true;
  }

  private async uiPost(req: IncomingMessage, res: ServerResponse, what: string): Promise<true> {
    const origin = req.headers.origin;
    if (!(req.headers["content-type"] ?? "").startsWith("application/json") || (origin !== undefined && origin !== `http://${req.headers.host}`)) {
      return this.json(res, 403, { ok: false, error: "same-origin JSON only" });
    }
    let b: Json;
    try {
      b = JSON.parse((await readBody(req, 256 * 1024)).toString("utf8")) as Json;
    } catch {
      return this.json(res, 400, { ok: false, error: "invalid JSON" });
    }
    const userId = String(b.user ?? "");
    if (!this.ws.users.has(userId)) return this.json(res, 400, { ok: false, error: "unknown person" });
    if (!this.link.connected) return this.json(res, 503, { ok: false, error: "the bot is still starting" });
    const drafts = (typeof b.drafts === "object" && b.drafts !== null ? b.drafts : {}) as Drafts;
    let out: Outcome;
    switch (what) {
      case "command":
        out = await this.interactions.command({ userId, channelId: String(b.channel ?? ""), text: String(b.text ?? "").slice(0, 4000) });
        break;
      case "action":
        out = await this.interactions.action({
          userId,
          source: (b.source ?? {}) as Json,
          blockId: String(b.blockId ?? ""),
          actionId: String(b.actionId ?? ""),
          ...(b.picked !== undefined ? { picked: b.picked as Draft } : {}),
          drafts,
        });
        break;
      case "submit":
        out = await this.interactions.submit({ userId, viewId: String(b.viewId ?? ""), drafts });
        break;
      case "close":
        out = await this.interactions.close({ userId, viewId: String(b.viewId ?? "") });
        break;
      case "options":
        out = await this.interactions.options({
          userId,
          source: (b.source ?? {}) as Json,
          blockId: String(b.blockId ?? ""),
          actionId: String(b.actionId ?? ""),
          value: String(b.value ?? "").slice(0, 500),
          drafts,
        });
        break;
      case "shortcut": {
        const m = b.message as Json | undefined;
        out = await this.interactions.shortcut({
          userId,
          callbackId: String(b.callbackId ?? ""),
          ...(m && typeof m === "object" ? { message: { channel: String(m.channel ?? ""), ts: String(m.ts ?? "") } } : {}),
        });
        break;
      }
      case "home":
        out = await this.interactions.homeOpened({ userId, tab: b.tab === "messages" ? "messages" : "home" });
        break;
      case "read": {
        const channel = this.ws.channels.get(String(b.channel ?? ""));
        if (channel && this.ws.canSee(userId, channel) && typeof b.ts === "string") this.ws.markRead(userId, channel.id, b.ts);
        out = { ok: true };
        break;
      }
      default:
        return this.json(res, 404, { ok: false, error: "unknown action" });
    }
    return this.json(res, 200, out);
  }

  /** Everything one person can see, for the page. */
  snapshot(userId: string): Json {
    const ws = this.ws;
    if (!ws.users.has(userId)) userId = [...ws.users.keys()][0]!;
    const channels = [...ws.channels.values()].filter((c) => ws.canSee(userId, c));
    const msg = (m: Message) => ({
      ts: m.ts,
      user: m.user,
      text: m.text,
      blocks: m.blocks,
      attachments: m.attachments,
      files: m.files,
      ephemeral: m.ephemeralTo !== undefined,
      kind: m.kind,
      edited: m.edited,
      threadTs: m.threadTs,
    });
    const view = (v: { id: string; hash: string; def: Json; errors?: Record<string, string>; banner?: string }) => ({
      id: v.id,
      hash: v.hash,
      def: v.def,
      errors: v.errors ?? {},
      banner: v.banner ?? null,
    });
    const home = ws.homes.get(userId);
    return {
      version: ws.version,
      me: userId,
      team: ws.team,
      bot: { userId: ws.bot.userId, name: ws.bot.realName },
      users: [...ws.users.values()].map((u) => ({ id: u.id, name: u.name, realName: u.realName, title: u.title, role: u.role })),
      channels: channels.map((c) => ({ id: c.id, name: c.name, kind: c.kind, readOnly: c.kind === "im" })),
      messages: Object.fromEntries(channels.map((c) => [c.id, ws.messagesFor(userId, c.id).map(msg)])),
      home: home ? view(home) : null,
      lastRead: Object.fromEntries(ws.lastRead.get(userId) ?? []),
      modals: ws.stackOf(userId).map(view),
      log: ws.log.slice(-120),
      connected: this.link.connected,
      shortcuts: SHORTCUTS,
    };
  }
}
