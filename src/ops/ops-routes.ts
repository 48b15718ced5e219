import { timingSafeEqual, createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BotMetrics } from "../metrics/metrics.js";

export type OpsRoute = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** How long GET /healthz waits for the database before answering 503. */
export const HEALTHZ_DEADLINE_MS = 1_000;

/**
 * GET /healthz (liveness: the database answers), /readyz (readiness: 503 from the moment a
 * stop begins) and /metrics (Prometheus text; behind a bearer token when one is configured).
 * Served by the Slack receiver in HTTP mode and by the ops server in Socket Mode.
 */
export function opsRoutes(deps: {
  /** True when the database answers within the deadline. */
  ping(deadlineMs?: number): Promise<boolean>;
  lifecycle: { readonly ready: boolean };
  metrics: Pick<BotMetrics, "render">;
  metricsToken: string | undefined;
}): Record<string, OpsRoute> {
  return {
    "GET /healthz": async (_req, res) => {
      // Its own deadline: a hung database must read as unhealthy to a load balancer or
      // orchestrator, whose probes give up after a few seconds, not as a hang.
      const ok = await deps.ping(HEALTHZ_DEADLINE_MS);
      json(res, ok ? 200 : 503, { ok });
    },
    // Liveness stays /healthz; readiness turns 503 the moment a stop begins, so the load
    // balancer sends new requests to the other replicas while this one drains.
    "GET /readyz": async (_req, res) => {
      const ready = deps.lifecycle.ready && (await deps.ping());
      json(res, ready ? 200 : 503, { ok: ready, stopping: !deps.lifecycle.ready });
    },
    "GET /metrics": async (req, res) => {
      if (deps.metricsToken !== undefined && !bearerMatches(req.headers.authorization, deps.metricsToken)) {
        res.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"' }).end();
        return;
      }
      const { contentType, body } = await deps.metrics.render();
      res.writeHead(200, { "content-type": contentType }).end(body);
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Constant-time over digests, so neither the token's bytes nor its length leak through timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? "")?.[1] ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
