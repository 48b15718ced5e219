/**
 * Posts to a Slack response_url (5 uses in 30 minutes; the only way to change an ephemeral
 * message). The URL itself is never logged: whoever holds it can post as the bot.
 */
export async function postToResponseUrl(url: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
}
