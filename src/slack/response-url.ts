import { agentFor } from "./keep-alive-http.js";

/** Slack's answer to a response_url post was not 2xx; `status` tells a refusal (4xx) from an outage. */
export class ResponseUrlError extends Error {
  override name = "ResponseUrlError";
  constructor(readonly status: number) {
    super(`response_url answered HTTP ${status}`);
  }
}

export const RESPONSE_URL_TIMEOUT_MS = 10_000;

/**
 * Posts to a Slack response_url (5 uses in 30 minutes; the only way to change an ephemeral
 * message). The URL itself is never logged: whoever holds it can post as the bot. Throws
 * ResponseUrlError for a non-2xx answer; a timeout or network failure throws (as fetch did),
 * and then Slack may or may not have acted on it.
 */
export function postToResponseUrl(url: string, body: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<void> {
  const u = new URL(url);
  const via = agentFor(u);
  if (!via) return Promise.reject(new TypeError(`response_url: unsupported protocol ${u.protocol}`));
  const data = JSON.stringify(body);
  return new Promise<void>((resolve, reject) => {
    const req = via.lib.request(
      u,
      {
        method: "POST",
        agent: via.agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) },
        signal: AbortSignal.timeout(opts.timeoutMs ?? RESPONSE_URL_TIMEOUT_MS),
      },
      (res) => {
        res.resume();
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new ResponseUrlError(status));
        });
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}
