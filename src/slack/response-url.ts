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
 * ResponseUrlError for a non-2xx answer; a timeout or network failure throws as fetch does,
 * and then Slack may or may not have acted on it.
 */
export async function postToResponseUrl(url: string, body: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? RESPONSE_URL_TIMEOUT_MS),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new ResponseUrlError(res.status);
}
