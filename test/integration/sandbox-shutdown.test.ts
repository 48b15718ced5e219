import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startSandboxBot, type SandboxedBot } from "../../src/sandbox/start-sandbox.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";
import { captureLogger } from "../helpers/logs.js";

// Ctrl-C with the sandbox page open waited ~12 s for the forced exit: the page's event stream
// kept the bot's HTTP server from closing. stop() must end it and finish promptly.

let tdb: TestDatabase;
let bot: SandboxedBot | undefined;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

/** Opens the page's event stream the way a browser does (kept-alive connection) and waits for its first event. */
function openEventStream(url: string, agent: http.Agent): Promise<{ res: http.IncomingMessage; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { accept: "text/event-stream" } }, (res) => {
      const closed = new Promise<void>((r) => res.on("close", () => r()));
      res.once("data", () => resolve({ res, closed }));
      res.on("error", () => undefined);
    });
    req.on("error", reject);
  });
}

async function within<T>(p: Promise<T>, ms: number): Promise<T | "still waiting"> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<"still waiting">((r) => (timer = setTimeout(() => r("still waiting"), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe("sandbox shutdown with the page open", () => {
  it("stop() ends the page's open event streams and returns promptly", async () => {
    bot = await startSandboxBot(loadConfig({ DATABASE_URL: tdb.url, PORT: "0" }), captureLogger("warn").logger, { schedules: false });
    const agent = new http.Agent({ keepAlive: true });
    try {
      const streams = await Promise.all([openEventStream(`${bot.sandboxUrl}ui/events`, agent), openEventStream(`${bot.sandboxUrl}ui/events`, agent)]);
      expect(streams.map((s) => s.res.statusCode)).toEqual([200, 200]);

      const stopped = bot.stop().then(() => "stopped" as const);
      // The forced exit in main.ts comes after 10 s; a clean stop takes well under a second.
      expect(await within(stopped, 5_000)).toBe("stopped");
      bot = undefined;
      expect(await within(Promise.all(streams.map((s) => s.closed)), 1_000)).not.toBe("still waiting");
    } finally {
      agent.destroy();
      await bot?.stop();
    }
  });
});
