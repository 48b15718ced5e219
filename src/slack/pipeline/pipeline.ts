import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewClosedAction,
  ViewSubmitAction,
} from "@slack/bolt";
import { SLASH_COMMAND } from "../ids.js";
import { onAction } from "./action.js";
import { onCommand } from "./command.js";
import { onEvent } from "./event.js";
import { createGuard } from "./guard.js";
import { onOptions } from "./options.js";
import type { PipelineDeps } from "./pipeline-types.js";
import { onShortcut } from "./shortcut.js";
import { onView } from "./view.js";

// Every Slack request takes one path: verify (receiver) -> ack (middleware, before any
// database work) -> actor (middleware) -> role guard -> handler -> audit -> reply. The audit
// row is written here from what the route declares, and the answer is sent only after that
// row has committed, so a handler cannot forget it and a deploy cannot lose it. Refusals of
// every kind (role, unknown ids, forged values, invalid forms) are recorded here, once.
//
// One Bolt listener per surface (Bolt runs every listener's middleware on every request); each
// surface builds its context in its own file, and guard.ts does the rest.

export function installPipeline(app: App, deps: PipelineDeps): void {
  const g = createGuard(deps);
  app.command(SLASH_COMMAND, (a) => onCommand(a, deps, g));
  app.action(/.*/, (a) => onAction(a as SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs, deps, g));
  app.view(/.*/, (a) => onView(a as SlackViewMiddlewareArgs<ViewSubmitAction | ViewClosedAction> & AllMiddlewareArgs, deps, g));
  app.options(/.*/, (a) => onOptions(a, deps, g));
  app.shortcut(/.*/, (a) => onShortcut(a, deps, g));
  for (const [type, route] of deps.router.events) {
    app.event(type, (a) => onEvent(type, route, a as unknown as SlackEventMiddlewareArgs & AllMiddlewareArgs, deps, g));
  }
}
