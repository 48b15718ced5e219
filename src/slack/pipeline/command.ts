import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { auditText } from "../../audit/audit-fns.js";
import { placeOfCommand } from "../answer-in-place.js";
import { SLASH_COMMAND } from "../ids.js";
import { esc } from "../mrkdwn.js";
import { responseUrlReply } from "../replies.js";
import type { CommandCtx } from "../router.js";
import { ackIfNeeded, refused, type Guard } from "./guard.js";
import type { PipelineDeps } from "./pipeline-types.js";
import { pseudoTarget } from "./targets.js";

/** `/wl <command> [args]`: the route by its first word (or first two), answered through response_url. */
export async function onCommand(a: SlackCommandMiddlewareArgs & AllMiddlewareArgs, deps: PipelineDeps, g: Guard): Promise<void> {
  await ackIfNeeded(a);
  const { router } = deps;
  const text = a.command.text.trim();
  const [first = "", ...rest] = text.split(/\s+/);
  // A bare `/wl` is the first thing most people type: it is help.
  const name = first === "" ? "help" : first.toLowerCase();
  // A two-word command (`audit export`) is a route of its own, with its own role.
  const sub = rest[0] ? router.commands.get(`${name} ${rest[0].toLowerCase()}`) : undefined;
  const route = sub ?? router.commands.get(name);
  const run = g.base(a.context, responseUrlReply(a.command.response_url));
  const ctx: CommandCtx = {
    ...run,
    client: a.client,
    logger: deps.logger,
    record: g.recorder(run.actor),
    args: (sub ? rest.slice(1) : rest).join(" "),
    triggerId: a.command.trigger_id,
    channelId: a.command.channel_id,
    body: a.command,
    formOpened: g.formOpened(a.command.user_id, placeOfCommand(a.command)),
  };
  if (!route) {
    const shown = auditText(first, 40);
    await g.guarded(ctx, {
      label: `${SLASH_COMMAND} ${shown}`,
      minRole: "staff",
      target: pseudoTarget("SlackCommand", `command:unknown`, `${SLASH_COMMAND} ${text}`),
      handle: async () => refused(`no such command`, `I don't know the command \`${esc(shown)}\`. Try \`${SLASH_COMMAND} help\` for the commands you can use.`),
    });
    return;
  }
  await g.guarded(ctx, {
    label: `${SLASH_COMMAND} ${route.name}`,
    minRole: route.minRole,
    target: route.target?.(ctx) ?? pseudoTarget("SlackCommand", `command:${route.name}`, `${SLASH_COMMAND} ${route.name}${ctx.args ? ` ${ctx.args}` : ""}`),
    handle: (c) => route.handle(c),
    refuse: route.refuse,
  });
}
