import type { Router } from "../slack/router.js";
import type { RequestLabels } from "./metrics.js";

/** Anything Slack sent that names no registered route: one label value, however many forged ids. */
export const UNKNOWN_ROUTE = "unknown";

type Routes = Pick<Router, "commands" | "actions" | "views" | "events" | "options" | "shortcuts">;

/**
 * The surface and route a Slack request is for, from its body. The route is an id from the
 * route table (a command's canonical name, an action id, a callback id, an event type) or
 * `unknown`: the label set is bounded by what the bot registered, whatever a caller forges.
 */
export function requestLabels(body: Record<string, unknown>, routes: Routes): RequestLabels {
  const known = (map: ReadonlyMap<string, unknown>, id: unknown) => (typeof id === "string" && map.has(id) ? id : UNKNOWN_ROUTE);
  if (typeof body.command === "string") {
    const first = String(body.text ?? "")
      .trim()
      .split(/\s+/)[0]!
      .toLowerCase();
    // A bare `/wl` is help, as in the pipeline; aliases count under the command's own name.
    return { surface: "command", route: routes.commands.get(first || "help")?.name ?? UNKNOWN_ROUTE };
  }
  switch (body.type) {
    case "block_actions": {
      const actions = body.actions as { action_id?: unknown }[] | undefined;
      return { surface: "action", route: known(routes.actions, actions?.[0]?.action_id) };
    }
    case "view_submission":
    case "view_closed":
      return { surface: "view", route: known(routes.views, (body.view as { callback_id?: unknown } | undefined)?.callback_id) };
    case "block_suggestion":
      return { surface: "options", route: known(routes.options, body.action_id) };
    case "shortcut":
    case "message_action":
      return { surface: "shortcut", route: known(routes.shortcuts, body.callback_id) };
    case "event_callback":
      return { surface: "event", route: known(routes.events, (body.event as { type?: unknown } | undefined)?.type) };
    default:
      return { surface: "other", route: UNKNOWN_ROUTE };
  }
}
