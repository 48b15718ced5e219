import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.js";
import type { OpsRoute } from "./ops-routes.js";

export type OpsServer = { readonly port: number; stop(): Promise<void> };

/**
 * The operators' HTTP endpoints where no Slack receiver listens (Socket Mode): only the routes
 * given, GET only, small answers, and short deadlines so a slow client costs nothing.
 */
export async function startOpsServer(opts: { routes: Record<string, OpsRoute>; port: number; host?: string; logger: Logger }): Promise<OpsServer> {
  const { routes, port, host = "0.0.0.0" } = opts;
  const server = http.createServer({ requestTimeout: 5_000, headersTimeout: 5_000 }, (req, res) => {
    const route = routes[`${req.method} ${new URL(req.url ?? "/", "http://localhost").pathname}`];
    if (!route) return void res.writeHead(404).end();
    route(req, res).catch((e: unknown) => {
      opts.logger.error({ err: e, path: req.url }, "ops request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.maxConnections = 100;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
