import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { TEST_KEY, TEST_SIGNING_SECRET } from "./bot-harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export type BotProcess = {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
};

/** A free loopback port (the child must know its port before it starts). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * The real bot as its own process (`src/main.ts`, as `npm start` runs it), against a fake
 * Slack and a test database: for what only a separate process shows (another replica's
 * cache, a signal).
 */
export async function startBotProcess(env: { SLACK_API_URL: string; DATABASE_URL: string } & Record<string, string>): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      FIELD_ENCRYPTION_KEY: TEST_KEY,
      ADMIN_SLACK_USER_IDS: "UADMIN",
      LOG_LEVEL: "info",
      PORT: String(port),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (out += String(d)));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const deadline = Date.now() + 20_000;
  while (!out.includes("Wavelaunch bot started")) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`bot process did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: () => out, exited };
}
