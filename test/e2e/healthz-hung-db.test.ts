import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { HEALTHZ_DEADLINE_MS, startBot, type RunningBot } from "../../src/bot.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { captureLogger } from "../helpers/logs.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { StallingProxy } from "../helpers/stalling-postgres.js";
import { TEST_KEY, TEST_SIGNING_SECRET } from "../helpers/bot-harness.js";

// The real bot, its database behind a proxy that can hang (accepts connections, answers
// nothing). A load balancer's probe must get its 503 while the probe still listens.

let slack: FakeSlack;
let tdb: TestDatabase;
let proxy: StallingProxy;
let bot: RunningBot;
let base: string;

beforeAll(async () => {
  slack = await new FakeSlack().start();
  tdb = await createTestDatabase();
  proxy = await new StallingProxy().start();
  const config = loadConfig({
    NODE_ENV: "test",
    SLACK_BOT_TOKEN: "xoxb-test-token",
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: proxy.url(tdb.name),
    FIELD_ENCRYPTION_KEY: TEST_KEY,
    PORT: "0",
  });
  bot = await startBot(config, captureLogger("warn").logger, { host: "127.0.0.1", schedules: false });
  base = `http://127.0.0.1:${bot.port}`;
});
afterAll(async () => {
  proxy?.resume();
  await bot?.stop();
  await proxy?.stop();
  await slack?.stop();
  await tdb?.drop();
});

async function healthz(): Promise<{ status: number | "no answer"; ms: number }> {
  const started = Date.now();
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
    await res.text();
    return { status: res.status, ms: Date.now() - started };
  } catch {
    return { status: "no answer", ms: Date.now() - started };
  }
}

describe("/healthz with a hung database", () => {
  it("answers 200 while the database answers", async () => {
    expect((await healthz()).status).toBe(200);
  });

  it("answers 503 at its own deadline (about 1 s) when the database hangs, for every probe", async () => {
    proxy.stall();
    const probes = await Promise.all([healthz(), healthz(), healthz()]);
    for (const p of probes) {
      expect(p.status).toBe(503);
      // Well inside a typical probe timeout (a few seconds); the deadline itself is 1 s.
      expect(p.ms).toBeLessThan(HEALTHZ_DEADLINE_MS + 2_000);
    }
  });

  it("recovers once the database answers again", async () => {
    proxy.resume();
    let last = await healthz();
    for (let i = 0; i < 20 && last.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      last = await healthz();
    }
    expect(last.status).toBe(200);
  });
});
