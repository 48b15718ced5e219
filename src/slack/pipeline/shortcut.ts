import type { AllMiddlewareArgs, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { dmReply, responseUrlReply } from "../replies.js";
import type { ShortcutCtx } from "../router.js";
import { ackIfNeeded, refused, type Guard } from "./guard.js";
import type { PipelineDeps } from "./pipeline-types.js";
import { pseudoTarget } from "./targets.js";

/** A global or message shortcut: the route by callback id, answered through response_url or by DM. */
export async function onShortcut(a: SlackShortcutMiddlewareArgs & AllMiddlewareArgs, deps: PipelineDeps, g: Guard): Promise<void> {
  await ackIfNeeded(a as unknown as { context: AllMiddlewareArgs["context"]; ack?: () => Promise<void> });
  const body = a.body as unknown as Record<string, unknown> & { callback_id: string; trigger_id: string; response_url?: string; user: { id: string } };
  const route = deps.router.shortcuts.get(body.callback_id);
  const run = g.base(a.context, body.response_url ? responseUrlReply(body.response_url) : dmReply(a.client, body.user.id));
  const ctx: ShortcutCtx = { ...run, client: a.client, logger: deps.logger, record: g.recorder(run.actor), body, triggerId: body.trigger_id };
  await g.guarded(ctx, {
    label: route?.label ?? "an unknown shortcut",
    minRole: route?.minRole ?? "staff",
    target:
      route?.target?.(ctx) ??
      pseudoTarget("SlackShortcut", `shortcut:${route ? body.callback_id : "unknown"}`, route?.label ?? `unknown shortcut ${body.callback_id}`),
    handle: route ? (x) => route.handle(x) : async () => refused("unknown shortcut", "That shortcut is not one of mine."),
    refuse: route?.refuse,
  });
}
