import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from "@slack/bolt";
import { auditText } from "../../audit/audit-fns.js";
import type { Actor } from "../../identity/actor.js";
import { hasRole } from "../../identity/roles.js";
import type { PipelineContext } from "../middleware.js";
import type { Guard } from "./guard.js";
import type { PipelineDeps } from "./pipeline-types.js";
import { pseudoTarget } from "./targets.js";

/** An external select's options load: answered in the ack, read-only, refused with an empty list. */
export async function onOptions(a: SlackOptionsMiddlewareArgs & AllMiddlewareArgs, deps: PipelineDeps, g: Guard): Promise<void> {
  const body = a.body as unknown as Record<string, unknown> & { action_id?: string; value?: string };
  const route = deps.router.options.get(String(body.action_id ?? ""));
  const c = a.context as PipelineContext;
  if (!route || c.actorUnavailable || !hasRole(c.actor?.role ?? null, route.minRole)) {
    await a.ack({ options: [] });
    // An empty list shows nothing, so it goes first (Slack waits 3 s); then the refusal is
    // recorded like any other, through the throttled recorder, since a picker asks per keystroke.
    if (c.actor && !c.actorUnavailable) {
      const label = route?.label ?? "an unknown options load";
      const why = route ? `needs ${route.minRole}, has ${c.actor.role ?? "no role"}` : `unknown action id ${auditText(String(body.action_id ?? ""), 80)}`;
      await deps.refusals
        .record(c.actor, label, why, pseudoTarget("SlackOptions", `options:${route ? String(body.action_id) : "unknown"}`, label))
        .catch((e: unknown) => deps.logger.warn({ err: e }, "could not audit a refusal"));
    }
    return;
  }
  try {
    const options = await route.handle({
      actor: c.actor as Actor,
      client: a.client,
      logger: deps.logger,
      record: g.recorder(c.actor as Actor),
      value: String(body.value ?? ""),
      body,
    });
    await a.ack({ options } as never);
  } catch (e) {
    deps.logger.error({ err: e, label: route.label }, "options handler failed");
    await a.ack({ options: [] });
  }
}
