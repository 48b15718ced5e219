import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { dmReply } from "../replies.js";
import type { EventCtx, EventRoute } from "../router.js";
import type { Guard } from "./guard.js";
import type { PipelineDeps } from "./pipeline-types.js";
import { pseudoTarget } from "./targets.js";

/** An Events API event the router subscribes to (App Home opened): answered by DM when at all. */
export async function onEvent(type: string, route: EventRoute, a: SlackEventMiddlewareArgs & AllMiddlewareArgs, deps: PipelineDeps, g: Guard): Promise<void> {
  const userId = (a.event as { user?: string }).user ?? "";
  const run = g.base(a.context, dmReply(a.client, userId));
  if (run.unavailable || !userId) return; // nobody to tell, nothing to record: the next open retries
  const ctx: EventCtx = { ...run, client: a.client, logger: deps.logger, record: g.recorder(run.actor), event: a.event, body: a.body };
  await g.guarded(ctx, {
    label: route.label,
    minRole: route.minRole,
    target: route.target?.(ctx) ?? pseudoTarget("SlackEvent", `event:${type}`, route.label),
    handle: (c) => route.handle(c),
    refuse: route.refuse,
  });
}
