import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, pingDb, type Db } from "../../src/db.js";
import { createMetrics } from "../../src/metrics/metrics.js";
import { opsRoutes } from "../../src/ops/ops-routes.js";
import { startOpsServer, type OpsServer } from "../../src/ops/ops-server.js";
import { captureLogger } from "../helpers/logs.js";
import { parseMetrics, sampleSum } from "../helpers/metrics-text.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db.js";

// Issue 16, item 7: in Socket Mode no Slack receiver listens, so startBot starts this server with
// the same routes HTTP mode serves: liveness, readiness and the scrape, over the real database.

let tdb: TestDatabase;
let db: Db;
let server: OpsServer;
const lifecycle = { ready: true };
const metrics = createMetrics();
const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createDb(tdb.appUrl, { max: 2 });
  const routes = opsRoutes({ ping: (ms) => pingDb(db, ms), lifecycle, metrics, metricsToken: undefined });
  server = await startOpsServer({ routes, port: 0, host: "127.0.0.1", logger: captureLogger().logger });
});
afterAll(async () => {
  await server?.stop();
  await db?.$disconnect();
  await tdb?.drop();
});

describe("the Socket Mode ops server", () => {
  it("answers /healthz and /readyz from the database and the stop state", async () => {
    expect(await (await fetch(url("/healthz"))).json()).toEqual({ ok: true });
    expect((await fetch(url("/readyz"))).status).toBe(200);
    lifecycle.ready = false;
    try {
      const ready = await fetch(url("/readyz"));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ok: false, stopping: true });
      // Liveness stays up while the replica drains.
      expect((await fetch(url("/healthz"))).status).toBe(200);
    } finally {
      lifecycle.ready = true;
    }
  });

  it("serves /metrics without a token when METRICS_TOKEN is unset, and nothing else", async () => {
    metrics.jobRun("digest", "completed", 0.5);
    const res = await fetch(url("/metrics"));
    expect(res.status).toBe(200);
    expect(sampleSum(parseMetrics(await res.text()), "wl_job_runs_total", { kind: "digest", outcome: "completed" })).toBe(1);
    expect((await fetch(url("/slack/events"), { method: "POST", body: "{}" })).status).toBe(404);
    expect((await fetch(url("/metrics"), { method: "POST" })).status).toBe(404);
  });
});
