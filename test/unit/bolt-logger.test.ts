import { describe, expect, it } from "vitest";
import { toBoltLogger } from "../../src/slack/bolt-logger.js";
import { captureLogger } from "../helpers/logs.js";

// Issue 16, item 7: Bolt's own log lines keep their error objects and stacks.

function throwsDeep(): Error {
  return new Error("socket closed by peer");
}

describe("the Bolt logger adapter", () => {
  it("passes an Error to pino as err, so its stack is logged", () => {
    const logs = captureLogger();
    const bolt = toBoltLogger(logs.logger);
    bolt.error("An unhandled error occurred while Bolt processed an event", throwsDeep());
    const line = JSON.parse(logs.lines[0]!) as { msg: string; level: number; err: { type: string; message: string; stack: string } };
    expect(line.level).toBe(50);
    expect(line.msg).toBe("An unhandled error occurred while Bolt processed an event");
    expect(line.err.type).toBe("Error");
    expect(line.err.message).toBe("socket closed by peer");
    expect(line.err.stack).toMatch(/throwsDeep/);
  });

  it("an Error alone keeps its message as the line's message; plain words stay words", () => {
    const logs = captureLogger();
    const bolt = toBoltLogger(logs.logger);
    bolt.warn(new TypeError("bad payload"));
    bolt.info("Now connected", 3, "times");
    const [warn, info] = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warn).toMatchObject({ level: 40, msg: "bad payload", err: { type: "TypeError" } });
    expect(info).toMatchObject({ level: 30, msg: "Now connected 3 times" });
    expect(info!.err).toBeUndefined();
  });

  it("secrets on an error object are redacted like any other field", () => {
    const logs = captureLogger();
    const e = Object.assign(new Error("http failed"), { headers: { authorization: "Bearer xoxb-very-secret" } });
    toBoltLogger(logs.logger).error("request failed", e);
    expect(logs.text()).not.toContain("xoxb-very-secret");
    expect(logs.text()).toContain("[redacted]");
  });
});
