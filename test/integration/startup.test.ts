import { spawn } from "node:child_process";
import net, { type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startBot, StartupError } from "../../src/bot.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { captureLogger } from "../helpers/logs.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { TEST_KEY, TEST_SIGNING_SECRET } from "../helpers/bot-harness.js";

// What an operator sees at start: the right diagnosis when Slack fails auth.test, the Request
// URL to configure in HTTP mode, and configuration mistakes named instead of stack traces.

const root = fileURLToPath(new URL("../../", import.meta.url));
let tdb: TestDatabase;
let slack: FakeSlack;
beforeAll(async () => {
  tdb = await createTestDatabase();
  slack = await new FakeSlack().start();
});
afterAll(async () => {
  await slack?.stop();
  await tdb?.drop();
});

const env = (over: Record<string, string> = {}) => ({
  NODE_ENV: "test",
  SLACK_BOT_TOKEN: "xoxb-test-token",
  SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  SLACK_API_URL: slack.apiUrl,
  DATABASE_URL: tdb.url,
  FIELD_ENCRYPTION_KEY: TEST_KEY,
  PORT: "0",
  ...over,
});

async function startupError(over: Record<string, string>): Promise<StartupError> {
  const e = await startBot(loadConfig(env(over)), captureLogger("silent").logger, { host: "127.0.0.1", schedules: false }).then(
    async (bot) => {
      await bot.stop();
      return null;
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StartupError);
  return e as StartupError;
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Runs src/main.ts until `done(stdout)` or exit; SIGTERMs it if still running. */
function runMain(over: Record<string, string>, done: (out: string) => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env({ LOG_LEVEL: "warn", ...over }) },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (done(stdout)) child.kill("SIGTERM");
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const kill = setTimeout(() => child.kill("SIGKILL"), 25_000);
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe("start-up: auth.test failures say what went wrong", () => {
  it("Slack unreachable (connection refused) is reported as a network problem, not as a rejected token", async () => {
    const e = await startupError({ SLACK_API_URL: `http://127.0.0.1:${await closedPort()}/api/` });
    expect(e.message).toMatch(/^Could not reach Slack's Web API at .* to check SLACK_BOT_TOKEN \(.*ECONNREFUSED/);
    expect(e.message).not.toMatch(/rejected/);
  });

  it("a token Slack refuses is reported as such", async () => {
    slack.on("auth.test", () => ({ ok: false, error: "invalid_auth" }));
    try {
      const e = await startupError({});
      expect(e.message).toMatch(/^Slack rejected SLACK_BOT_TOKEN \(auth.test: invalid_auth\)/);
    } finally {
      slack.reset();
    }
  });
});

describe("start-up: main", () => {
  it("in HTTP mode prints the Request URL to configure in the Slack app, and where it listens", async () => {
    const run = await runMain({}, (out) => out.includes("/healthz"));
    expect(run.stdout).toContain("https://<your-host>/slack/events");
    expect(run.stdout).toMatch(/Listening for Slack on http:\/\/localhost:(\d+)\/slack\/events/);
    expect(run.stdout).not.toMatch(/localhost:0\//);
    expect(run.code).toBe(0);
  }, 30_000);

  it('DIGEST_CRON="bad cron" stops at once with the variable named, not a stack trace', async () => {
    const run = await runMain({ DIGEST_CRON: "bad cron" }, () => false);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("DIGEST_CRON is not a valid cron expression");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
