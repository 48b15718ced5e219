import http from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQs } from "node:querystring";

// Slack's Web API and response_url endpoints, faked at the HTTP boundary: the bot's real
// WebClient and Bolt's respond() talk to this server over loopback.

export type Call = { method: string; args: Record<string, unknown>; at: number };
export type FakeUser = { id: string; email?: string; name?: string; teamId?: string; isBot?: boolean };
type Answer = Record<string, unknown> | { status: number; headers?: Record<string, string>; body?: unknown };
type Override = (args: Record<string, unknown>, n: number) => Answer | undefined | Promise<Answer | undefined>;

export class FakeSlack {
  readonly calls: Call[] = [];
  readonly responses: { id: string; body: Record<string, unknown>; at: number }[] = [];
  /** response_url posts an on("response_url") override refused (4xx/5xx): not shown. */
  readonly refusedResponses: { id: string; body: Record<string, unknown>; at: number }[] = [];
  /** Bytes POSTed to upload URLs (files.uploadV2 step 2), by file id. */
  readonly uploads: { fileId: string; body: string; at: number; bytes: Buffer; announced?: number; contentType?: string }[] = [];
  /** The length each files.getUploadURLExternal announced, by file id. */
  readonly announcedLengths = new Map<string, number>();
  readonly users = new Map<string, FakeUser>();
  private readonly overrides = new Map<string, Override>();
  private readonly counts = new Map<string, number>();
  private server!: http.Server;
  private seq = 1_700_000_000;
  url = "";

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      // A client may give up mid-body (an upload refused before all its bytes were sent), as
      // with Slack: that request simply ends, it is not an error of the test.
      this.handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id = Math.random().toString(36).slice(2)): string {
    return `${this.url}/response/${id}`;
  }

  addUser(u: FakeUser): this {
    this.users.set(u.id, u);
    return this;
  }

  /** Answers a method differently; return undefined to fall back to the default answer. */
  on(method: string, fn: Override): this {
    this.overrides.set(method, fn);
    return this;
  }

  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.refusedResponses.length = 0;
    this.uploads.length = 0;
    this.announcedLengths.clear();
    this.overrides.clear();
    this.counts.clear();
  }

  callsTo(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  async waitFor<T>(fn: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > end)
        throw new Error(`FakeSlack.waitFor timed out; calls: ${this.calls.map((c) => c.method).join(", ")}; responses: ${this.responses.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  waitForCall(method: string, pred: (c: Call) => boolean = () => true, timeoutMs?: number): Promise<Call> {
    return this.waitFor(() => this.calls.find((c) => c.method === method && pred(c)), timeoutMs);
  }

  waitForResponse(pred: (b: Record<string, unknown>) => boolean = () => true, timeoutMs?: number) {
    return this.waitFor(() => this.responses.find((r) => pred(r.body)), timeoutMs);
  }

  /** Everything the bot sent to Slack, as one string (for leak scans). */
  transcript(opts: { excludeEphemeral?: boolean } = {}): string {
    const calls = this.calls.filter((c) => !(opts.excludeEphemeral && c.method === "chat.postEphemeral"));
    const responses = this.responses.filter((r) => !(opts.excludeEphemeral && r.body.response_type !== "in_channel"));
    return JSON.stringify({ calls, responses });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString();
    const url = new URL(req.url ?? "/", this.url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    if (url.pathname.startsWith("/response/")) {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      // on("response_url", …) can delay or refuse a response_url post; the body is recorded
      // either way once the override returns (Slack may have acted on a post it never confirmed).
      const n = (this.counts.get("response_url") ?? 0) + 1;
      this.counts.set("response_url", n);
      const over = await this.overrides.get("response_url")?.({ ...body, _id: url.pathname.slice(10) }, n);
      if (over && "status" in over && typeof over.status === "number" && over.status >= 400) {
        this.refusedResponses.push({ id: url.pathname.slice(10), body, at: Date.now() });
        return send(over.status, over.body ?? "refused");
      }
      this.responses.push({ id: url.pathname.slice(10), body, at: Date.now() });
      if (res.destroyed) return;
      return send(200, "ok");
    }
    if (url.pathname.startsWith("/upload/")) {
      const fileId = url.pathname.slice(8);
      const announced = this.announcedLengths.get(fileId);
      // on("upload", …) can refuse the bytes (a 5xx from Slack's file service).
      const n = (this.counts.get("upload") ?? 0) + 1;
      this.counts.set("upload", n);
      const over = await this.overrides.get("upload")?.({ fileId }, n);
      if (over && "status" in over && typeof over.status === "number") return send(over.status, over.body ?? "refused");
      this.uploads.push({ fileId, body: raw, at: Date.now(), bytes, announced, contentType: req.headers["content-type"] });
      return send(200, `OK - ${bytes.length}`);
    }
    if (!url.pathname.startsWith("/api/")) return send(404, { ok: false });
    const method = url.pathname.slice(5);
    const args = parseArgs(raw, req.headers["content-type"] ?? "");
    this.calls.push({ method, args, at: Date.now() });
    const n = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, n);
    const over = await this.overrides.get(method)?.(args, n);
    const answer = over ?? this.defaultAnswer(method, args);
    if ("status" in answer && typeof answer.status === "number") {
      return send(answer.status, answer.body ?? { ok: false }, (answer.headers as Record<string, string>) ?? {});
    }
    send(200, answer);
  }

  private defaultAnswer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const ts = () => `${this.seq++}.000100`;
    switch (method) {
      case "auth.test":
        return { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T0TEST", user: "wavelaunch" };
      case "users.info": {
        const u = this.users.get(String(args.user));
        if (!u) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id: u.id,
            team_id: u.teamId ?? "T0TEST",
            name: u.name ?? u.id.toLowerCase(),
            real_name: u.name ?? u.id,
            is_bot: Boolean(u.isBot),
            profile: { email: u.email, display_name: u.name ?? "" },
          },
        };
      }
      case "chat.postMessage":
        return { ok: true, channel: args.channel, ts: ts(), message: { text: args.text } };
      case "chat.postEphemeral":
        return { ok: true, message_ts: ts() };
      case "chat.update":
        return { ok: true, channel: args.channel, ts: args.ts };
      case "chat.delete":
        return { ok: true, channel: args.channel, ts: args.ts };
      case "chat.getPermalink":
        return { ok: true, permalink: `https://example.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace(".", "")}` };
      case "conversations.open":
        return { ok: true, channel: { id: `D${String(args.users).replace(/^U/, "")}` } };
      case "views.open":
      case "views.update":
      case "views.push":
      case "views.publish":
        return { ok: true, view: { id: `V${this.seq++}`, hash: "h1", ...(typeof args.view === "object" ? args.view : {}) } };
      case "files.getUploadURLExternal": {
        const fileId = `F${this.seq++}`;
        this.announcedLengths.set(fileId, Number(args.length));
        return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
      }
      case "files.completeUploadExternal": {
        const files = (args.files as { id: string; title?: string }[] | undefined) ?? [];
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title, permalink: `https://example.slack.com/files/${f.id}` })) };
      }
      default:
        return { ok: true };
    }
  }
}

function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const q = parseQs(raw);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) {
    const s = Array.isArray(v) ? v[0]! : v!;
    // WebClient JSON-encodes objects and arrays (blocks, view) into form fields.
    out[k] = /^[[{]/.test(s) ? safeJson(s) : s;
  }
  return out;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
