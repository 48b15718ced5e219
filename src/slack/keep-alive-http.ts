import http from "node:http";
import https from "node:https";

/**
 * Keep-alive agents for every post to Slack: response_url answers and Web API calls. node:http
 * through a keep-alive Agent costs about a third of global fetch's CPU per post
 * (bench/http-client.ts), and every answer the bot sends takes one of these two paths.
 */
export const slackAgents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
} as const;

export function agentFor(u: URL): { agent: http.Agent; lib: typeof http | typeof https } | null {
  if (u.protocol === "https:") return { agent: slackAgents["https:"], lib: https };
  if (u.protocol === "http:") return { agent: slackAgents["http:"], lib: http };
  return null;
}

/** How long a Web API call may sit with no bytes moving when its caller set no deadline. */
export const SLACK_IDLE_TIMEOUT_MS = 30_000;

/**
 * The `fetch` the Web API client (WebClient) is given: what it sends (a POST with a url-encoded
 * string body, a timeout signal) goes over node:http with the keep-alive agents, answered as a
 * standard Response. Anything else it could send (a multipart upload, a Request object) goes to
 * global fetch unchanged. Redirects are not followed: WebClient asks fetch to refuse them, and a
 * 3xx here reaches it as a non-200 answer, which it reports as an HTTP error the same way.
 * A connection that goes quiet for `idleTimeoutMs` fails the call (WebClient then retries it),
 * as global fetch's own header and body timeouts would, so a black-holed socket cannot hold a
 * job or an answer forever.
 */
export function createKeepAliveFetch(opts: { idleTimeoutMs: number }): typeof fetch {
  return (input, init) => {
    const body = init?.body;
    const url = typeof input === "string" ? new URL(input) : input instanceof URL ? input : null;
    const via = url ? agentFor(url) : null;
    if (!url || !via || (body != null && typeof body !== "string")) return fetch(input, init);
    const headers: Record<string, string> = Object.fromEntries(new Headers(init?.headers));
    if (typeof body === "string") headers["content-length"] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const req = via.lib.request(
        url,
        { method: init?.method ?? "GET", agent: via.agent, headers, signal: init?.signal ?? undefined, timeout: opts.idleTimeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            try {
              resolve(toResponse(res, Buffer.concat(chunks), url));
            } catch (e) {
              reject(e);
            }
          });
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error(`no bytes from ${url.host} for ${opts.idleTimeoutMs} ms`), { code: "ETIMEDOUT" })));
      req.on("error", reject);
      req.end(body ?? undefined);
    });
  };
}

function toResponse(res: http.IncomingMessage, body: Buffer, url: URL): Response {
  const h = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (Array.isArray(v)) for (const x of v) h.append(k, x);
    else if (v !== undefined) h.set(k, v);
  }
  const status = res.statusCode ?? 0;
  const response = new Response(status === 204 || status === 304 ? null : body, { status, statusText: res.statusMessage ?? "", headers: h });
  Object.defineProperty(response, "url", { value: url.href });
  return response;
}

export const keepAliveFetch = createKeepAliveFetch({ idleTimeoutMs: SLACK_IDLE_TIMEOUT_MS });
