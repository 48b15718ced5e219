import { type WebClient, WebClientEvent, type RetryOptions, type WebClientOptions } from "@slack/web-api";
import type { BotMetrics } from "../metrics/metrics.js";
import { keepAliveFetch } from "./keep-alive-http.js";

type SlackMetrics = Pick<BotMetrics, "slackRetry" | "slackRateLimited">;

/** The bot's own client and Bolt's share one retry policy: a few quick retries, never minutes. */
const RETRY_POLICY = { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 };

/** The web-api client's own wording for a 429 it waits out (WebClient.makeRequest), inside the request error that wraps it. */
const RATE_LIMIT_RETRY = /A rate limit was exceeded/;

/**
 * Options for every WebClient the bot builds: its API URL, the retry policy, a count of each
 * retry, and the keep-alive transport every other post to Slack uses. p-retry calls
 * onFailedAttempt for every failed attempt, the last included, so only attempts with retries
 * left count as retries.
 */
export function slackClientOptions(apiUrl: string | undefined, metrics: SlackMetrics): WebClientOptions {
  const retryConfig: RetryOptions & { onFailedAttempt(e: Error & { retriesLeft: number }): void } = {
    ...RETRY_POLICY,
    onFailedAttempt(e) {
      if (e.retriesLeft > 0) metrics.slackRetry(RATE_LIMIT_RETRY.test(e.message) ? "rate_limited" : "request_failed");
    },
  };
  return { ...(apiUrl ? { slackApiUrl: ensureSlash(apiUrl) } : {}), retryConfig, fetch: keepAliveFetch };
}

/** Counts the client's 429s (the retry itself is counted by slackClientOptions). */
export function meterRateLimits(client: WebClient, metrics: SlackMetrics): WebClient {
  client.on(WebClientEvent.RATE_LIMITED, () => metrics.slackRateLimited());
  return client;
}

export function ensureSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
