import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TEST_KEY, TEST_SIGNING_SECRET } from "./bot-harness.js";

// The bot as an operator runs it: its own OS process (`node --import tsx src/main.ts`, what
// `npm start` runs), so a test can send it a real SIGTERM or SIGKILL.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export type BotProcess = {
  port: number;
  baseUrl: string;
  child: ChildProcess;
  /** Everything it printed (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** The environment of a bot process against a fake Slack and a test database. */
export function botEnv(slackApiUrl: string, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    SLACK_BOT_TOKEN: "xoxb-test-token",
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slackApiUrl,
    DATABASE_URL: databaseUrl,
    FIELD_ENCRYPTION_KEY: TEST_KEY,
    ADMIN_SLACK_USER_IDS: "UADMIN",
    PORT: "0",
    LOG_LEVEL: "info",
    ...extra,
  };
}

export async function spawnBot(env: Record<string, string>, timeoutMs = 30_000): Promise<BotProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot process did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const look = () => {
      for (const line of out.split("\n")) {
        if (!line.includes("Wavelaunch bot started")) continue;
        clearTimeout(timer);
        child.stdout!.off("data", look);
        return resolve((JSON.parse(line) as { port: number }).port);
      }
    };
    child.stdout!.on("data", look);
    void exited.then(({ code }) => reject(new Error(`bot process exited (${code}) before starting:\n${out}`)));
  });
  return { port, baseUrl: `http://127.0.0.1:${port}`, child, output: () => out, exited };
}
