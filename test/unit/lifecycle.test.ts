import { describe, expect, it } from "vitest";
import { captureLogger } from "../helpers/logs.js";
import { createLifecycle } from "../../src/lifecycle.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the stop sequence", () => {
  it("runs hooks phase by phase (intake, requests, work, flush, close), waiting for requests in flight before the work phase", async () => {
    const logs = captureLogger();
    const life = createLifecycle(logs.logger);
    const order: string[] = [];
    life.onDrain("close", "pools", () => void order.push("close"));
    life.onDrain("flush", "audit batcher", () => void order.push("flush"));
    life.onDrain("work", "jobs", () => void order.push("work"));
    life.onDrain("requests", "server", () => void order.push("requests"));
    life.onDrain("intake", "cron", () => void order.push("intake"));
    void life.track(sleep(150).then(() => void order.push("request finished")));
    expect(life.ready).toBe(true);
    const stopping = life.stop({ graceMs: 5_000 });
    expect(life.ready).toBe(false); // readiness turns at once
    await stopping;
    expect(order).toEqual(["intake", "requests", "request finished", "work", "flush", "close"]);
  });

  it("a failing or overrunning hook is logged and the sequence goes on, within the grace period", async () => {
    const logs = captureLogger();
    const life = createLifecycle(logs.logger);
    const order: string[] = [];
    life.onDrain("work", "broken", () => Promise.reject(new Error("nope")));
    life.onDrain("work", "stuck", () => new Promise<void>(() => undefined));
    life.onDrain("close", "pools", () => void order.push("close"));
    const started = Date.now();
    await life.stop({ graceMs: 2_000 });
    expect(order).toEqual(["close"]);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(logs.text()).toMatch(/"hook":"broken".*a shutdown step failed/);
  });

  it("stops once: a signal and a test harness calling stop() share one sequence", async () => {
    const life = createLifecycle(captureLogger().logger);
    let runs = 0;
    life.onDrain("close", "count", () => void runs++);
    await Promise.all([life.stop(), life.stop(), life.stop()]);
    expect(runs).toBe(1);
  });
});
