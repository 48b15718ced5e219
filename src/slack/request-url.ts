// What an operator must paste into the Slack app after starting in HTTP mode: Slack sends
// every command, click and event to one public HTTPS URL ending in /slack/events.

export const EVENTS_PATH = "/slack/events";

/** Plain lines for the console at start in HTTP mode (not the sandbox, not Socket Mode). */
export function httpModeBanner(port: number): string {
  const rule = "=".repeat(78);
  return [
    rule,
    `  Listening for Slack on http://localhost:${port}${EVENTS_PATH} (all interfaces).`,
    "  In the Slack app (https://api.slack.com/apps), set the Request URL of the /wl command,",
    "  of Interactivity & Shortcuts and of Event Subscriptions to this public HTTPS address:",
    "",
    `      https://<your-host>${EVENTS_PATH}`,
    "",
    "  (<your-host> forwards to this port; manifest.yml has it as YOUR-HOST.)  Health: GET /healthz",
    rule,
  ].join("\n");
}
