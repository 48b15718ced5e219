import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { signSlackRequest } from "../../src/slack/signature.js";
import { asAppRole } from "./bench-db.js";

// Signed Slack traffic for benchmarks and the soak run: requests built and signed as Slack
// sends them, over a keep-alive agent, to app processes started as children.

export const SECRET = "bench-signing-secret";
export const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
export const USER = "UBENCH";

export type Target = { port: number; child: ChildProcess };
export type Req = { body: string; contentType: string; key: string | null; inlineAnswer?: boolean };

export const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

export function send(port: number, r: Req): Promise<{ status: number; ackAt: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = {
      "content-type": r.contentType,
      "content-length": Buffer.byteLength(r.body),
      ...signSlackRequest(SECRET, r.body, Math.floor(Date.now() / 1000)),
    };
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/slack/events", headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ackAt: performance.now(), body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(r.body);
  });
}

export async function startChild(args: string[], env: Record<string, string>, ready: (line: string) => number | null): Promise<Target> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split("\n")) {
        const port = ready(line);
        if (port) return resolve({ port, child });
      }
    });
    child.on("exit", (code) => reject(new Error(`child ${args[0]} exited ${code}`)));
  });
}

export function commandReq(fakeUrl: string, text: string, responseId: string, user = USER): Req {
  return {
    body: new URLSearchParams({
      token: "x",
      team_id: "TBENCH",
      team_domain: "bench",
      channel_id: "CBENCH",
      channel_name: "bench",
      user_id: user,
      user_name: user.toLowerCase(),
      command: "/wl",
      text,
      api_app_id: "ABENCH",
      response_url: `${fakeUrl}/r/${responseId}`,
      trigger_id: `trg.${responseId}`,
    }).toString(),
    contentType: "application/x-www-form-urlencoded",
    key: responseId,
  };
}

export function payloadReq(payload: Record<string, unknown>, key: string | null, inlineAnswer = false): Req {
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: "application/x-www-form-urlencoded", key, inlineAnswer };
}

/** The bot as production runs it (src/main.ts), against the fake Slack; resolves once /healthz answers. */
export async function startBotProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "src/main.ts"], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  let exited: number | null = null;
  child.on("exit", (code) => (exited = code ?? -1));
  for (let i = 0; i < 300; i++) {
    if (exited !== null) throw new Error(`the bot exited with ${exited} before it was ready`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { port, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGTERM");
  throw new Error("the bot did not become ready within 30 s");
}

/** Sends SIGTERM and resolves once the child has exited (its shutdown done before anything is dropped under it). */
export function stopChild(t: Target): Promise<void> {
  return new Promise<void>((resolve) => {
    if (t.child.exitCode !== null || t.child.signalCode !== null) return resolve();
    t.child.once("exit", () => resolve());
    t.child.kill("SIGTERM");
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A bench-only audit checkpoint key (production refuses to start without one). */
const BENCH_ANCHOR_KEY = "YmVuY2gtb25seS1hdWRpdC1hbmNob3Ita2V5LTMyYnl0ZXMhIQ";

/** `databaseUrl` is the bench database as its owner: the bot serves requests as the limited app role. */
export function botEnv(fakeUrl: string, databaseUrl: string): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: `${fakeUrl}/api/`,
    DATABASE_URL: asAppRole(databaseUrl),
    MIGRATION_DATABASE_URL: databaseUrl,
    AUDIT_ANCHOR_KEY: BENCH_ANCHOR_KEY,
    FIELD_ENCRYPTION_KEY: KEY,
    ADMIN_SLACK_USER_IDS: USER,
    LOG_LEVEL: "warn",
    PORT: "0",
    NODE_ENV: "production",
    // Far from any run, so no digest fires during a measurement.
    DIGEST_CRON: "0 3 1 1 *",
  };
}
