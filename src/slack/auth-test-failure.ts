import { ErrorCode } from "@slack/web-api";

// Start-up calls auth.test once. When it fails, the operator needs to know whether the token
// is wrong (replace it) or Slack was never reached (fix the network, DNS, proxy or
// SLACK_API_URL): the remedies have nothing in common.

export type AuthTestFailure = { kind: "token" | "network" | "slack"; message: string };

/** Slack's answers that mean the token itself is bad, revoked or belongs to a gone account. */
const TOKEN_ERRORS = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "org_login_required",
  "ekm_access_denied",
]);

/** Classifies an auth.test failure from @slack/web-api and says what to do about it. */
export function explainAuthTestFailure(e: unknown, apiUrl: string | undefined): AuthTestFailure {
  const err = e as { code?: string; data?: { error?: string }; original?: Error & { code?: string }; statusCode?: number; message?: string };
  const where = apiUrl ? `Slack's Web API at ${apiUrl} (SLACK_API_URL)` : "Slack's Web API (https://slack.com/api/)";
  if (err?.code === ErrorCode.PlatformError) {
    const code = err.data?.error ?? "unknown_error";
    if (TOKEN_ERRORS.has(code)) {
      return {
        kind: "token",
        message: `Slack rejected SLACK_BOT_TOKEN (auth.test: ${code}). Use the app's current Bot User OAuth Token (xoxb-…, under OAuth & Permissions) and check that the app is still installed in the workspace.`,
      };
    }
    return { kind: "slack", message: `Slack refused auth.test with "${code}"; SLACK_BOT_TOKEN could not be checked.` };
  }
  if (err?.code === ErrorCode.HTTPError) {
    return {
      kind: "slack",
      message: `${where} answered HTTP ${err.statusCode ?? "error"} to auth.test, so SLACK_BOT_TOKEN was not checked. Slack may be down (status.slack.com), or SLACK_API_URL points somewhere else.`,
    };
  }
  if (err?.code === ErrorCode.RateLimitedError) {
    return { kind: "slack", message: "Slack rate-limited auth.test; SLACK_BOT_TOKEN was not checked. Start again in a minute." };
  }
  const cause = err?.code === ErrorCode.RequestError ? err.original : (err as Error & { code?: string });
  const detail = rootCause(cause) || String(e);
  return {
    kind: "network",
    message: `Could not reach ${where} to check SLACK_BOT_TOKEN (${detail}). This is a network problem, not a token problem: check DNS, firewall or proxy settings and SLACK_API_URL.`,
  };
}

/** fetch() wraps the socket's error ("fetch failed", cause: ECONNREFUSED …): name the innermost. */
function rootCause(e: (Error & { code?: string; cause?: unknown }) | undefined): string {
  let inner = e;
  for (let i = 0; i < 5 && inner?.cause instanceof Error; i++) inner = inner.cause as Error & { code?: string; cause?: unknown };
  const code = inner?.code ?? e?.code;
  const message = inner?.message ?? e?.message ?? "";
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
