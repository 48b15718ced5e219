// Is posting to Slack (response_url answers, Web API calls) cheaper through global fetch or
// through node:http with a keep-alive http.Agent? Both post the same small JSON body to a local
// server that answers at once, sequentially and 10 at a time; the CPU time of this process per
// request is the figure that matters under load (the network is the same for both). Then the
// same for a Web API call as the bot makes it: WebClient's chat.postMessage with its default
// transport (global fetch) and with the bot's (src/slack/keep-alive-http.ts).
//
//   npx tsx bench/http-client.ts [requests]
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebClient } from "@slack/web-api";
import { round, summarise } from "./lib/stats.js";
import { keepAliveFetch } from "../src/slack/keep-alive-http.js";

export type HttpClientRow = { client: string; concurrency: number; p50: number; p99: number; rps: number; cpuUsPerRequest: number };

const body = JSON.stringify({
  response_type: "ephemeral",
  replace_original: false,
  text: "x".repeat(400),
  blocks: [{ type: "section", text: { type: "mrkdwn", text: "y".repeat(800) } }],
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });

function viaAgent(url: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => ((res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(String(res.statusCode)))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function viaFetch(url: URL): Promise<void> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(String(res.status));
}

const message = { channel: "C1", text: "x".repeat(400), blocks: [{ type: "section", text: { type: "mrkdwn", text: "y".repeat(800) } }] };

function webClient(url: URL, transport: { fetch?: typeof fetch }): (u: URL) => Promise<void> {
  const client = new WebClient("xoxb-bench", { slackApiUrl: new URL("/api/", url).href, retryConfig: { retries: 0 }, ...transport });
  return async () => {
    await client.chat.postMessage(message);
  };
}

async function drive(send: (u: URL) => Promise<void>, url: URL, total: number, concurrency: number) {
  const times: number[] = [];
  let left = total;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const t = performance.now();
        await send(url);
        times.push(performance.now() - t);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { s: summarise(times), rps: total / secs, cpuUs: (cpu.user + cpu.system) / total };
}

/** Runs both clients, alternating A B A B, at c=1 and c=10. The server runs in this process too; its share is the same for both. */
export async function runHttpClientBench(total = 2_000): Promise<HttpClientRow[]> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/r/x`);
  const clients = {
    "global fetch": viaFetch,
    "node:http keep-alive Agent": viaAgent,
    "WebClient, global fetch": webClient(url, {}),
    "WebClient, keep-alive transport": webClient(url, { fetch: keepAliveFetch }),
  } as const;
  const rows: HttpClientRow[] = [];
  try {
    for (const c of [1, 10]) {
      for (const send of Object.values(clients)) await drive(send, url, 200, c); // warm-up
      const acc = new Map<string, { times: number[]; rps: number[]; cpu: number[] }>();
      for (let round_ = 0; round_ < 4; round_++) {
        for (const [name, send] of Object.entries(clients)) {
          const r = await drive(send, url, Math.ceil(total / 4), c);
          const a = acc.get(name) ?? { times: [], rps: [], cpu: [] };
          a.times.push(r.s.p50, r.s.p99);
          a.rps.push(r.rps);
          a.cpu.push(r.cpuUs);
          acc.set(name, a);
        }
      }
      for (const [name, a] of acc) {
        const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
        const p50s = a.times.filter((_, i) => i % 2 === 0);
        const p99s = a.times.filter((_, i) => i % 2 === 1);
        rows.push({
          client: name,
          concurrency: c,
          p50: round(mean(p50s), 3),
          p99: round(mean(p99s), 3),
          rps: round(mean(a.rps), 0),
          cpuUsPerRequest: round(mean(a.cpu), 0),
        });
      }
    }
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return rows;
}

if (process.argv[1]?.endsWith("http-client.ts")) {
  const rows = await runHttpClientBench(Number(process.argv[2] ?? 2_000));
  for (const r of rows)
    console.log(
      `${r.client.padEnd(32)} c=${String(r.concurrency).padEnd(3)} p50 ${r.p50} ms  p99 ${r.p99} ms  ${r.rps}/s  ${r.cpuUsPerRequest} µs CPU/request`,
    );
}
