import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A Slack stand-in that answers at once and notes when each answer of the bot arrived:
 * response_url posts by their path id, Web API calls by a caller-chosen key.
 */
export class FastFakeSlack {
  private server!: http.Server;
  url = "";
  private waiters = new Map<string, (t: number) => void>();
  private arrived = new Map<string, number>();
  private seq = 1;
  /** Extracts a completion key from a Web API call (e.g. a brand name in chat.postMessage). */
  keyOf: (method: string, body: string) => string | null = () => null;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const t = performance.now();
        const path = req.url ?? "/";
        const body = Buffer.concat(chunks).toString();
        if (path.startsWith("/r/")) {
          this.arrive(path.slice(3), t);
          res.writeHead(200).end("ok");
          return;
        }
        const method = path.replace(/^\/api\//, "").split("?")[0]!;
        const key = this.keyOf(method, body);
        if (key) this.arrive(key, t);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(this.answer(method, body)));
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves with the arrival time of `key` (or rejects after timeoutMs). */
  expect(key: string, timeoutMs = 10_000): Promise<number> {
    const t = this.arrived.get(key);
    if (t !== undefined) {
      this.arrived.delete(key);
      return Promise.resolve(t);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`no answer for ${key}`));
      }, timeoutMs);
      this.waiters.set(key, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  private arrive(key: string, t: number) {
    const w = this.waiters.get(key);
    if (w) {
      this.waiters.delete(key);
      w(t);
    } else this.arrived.set(key, t);
  }

  private answer(method: string, body: string): Record<string, unknown> {
    const ts = `${1_700_000_000 + this.seq++}.000100`;
    switch (method) {
      case "auth.test":
        return { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "TBENCH" };
      case "chat.postMessage":
        return { ok: true, channel: "D1", ts };
      case "chat.postEphemeral":
        return { ok: true, message_ts: ts };
      case "conversations.open":
        return { ok: true, channel: { id: "D1" } };
      case "views.open":
      case "views.update":
      case "views.publish":
      case "views.push":
        return { ok: true, view: { id: `V${this.seq}`, hash: "h" } };
      case "users.info":
        return { ok: true, user: userOf(body) };
      default:
        return { ok: true };
    }
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/**
 * The profile of the user users.info asked about (as Slack answers it): each Slack user id has
 * its own email, so the bot links the caller on their first request and later requests take the
 * linked path, as in production.
 */
function userOf(body: string): Record<string, unknown> {
  const asked = askedUser(body) ?? "UNKNOWN";
  const name = asked.toLowerCase();
  return { id: asked, team_id: "TBENCH", name, real_name: `Bench ${asked}`, profile: { email: `${name}@bench.test`, display_name: name } };
}

function askedUser(body: string): string | null {
  if (body.startsWith("{")) {
    try {
      const u = (JSON.parse(body) as { user?: unknown }).user;
      return typeof u === "string" ? u : null;
    } catch {
      return null;
    }
  }
  return new URLSearchParams(body).get("user");
}
