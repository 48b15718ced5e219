import { invalid } from "../../../errors.js";
import type { CommandRoute } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import { JOURNEY_STATUSES, LIST_USAGE, parseListArgs } from "../creator-fns.js";
import { listAnswer } from "./list-answer.js";
import type { CreatorHandlerDeps } from "./types.js";

/** `/wl list [status] [health] [tag:<tag>]`: active creators, most urgent first. */
export const listCommand = (deps: Pick<CreatorHandlerDeps, "creators" | "today">): CommandRoute => ({
  name: "list",
  usage: LIST_USAGE,
  description: "active creators, most urgent first",
  minRole: "staff",
  async handle(ctx) {
    const parsed = parseListArgs(ctx.args);
    if (!parsed.ok) {
      throw invalid(`${esc(parsed.error)} Usage: \`/wl ${LIST_USAGE}\`. Statuses: ${JOURNEY_STATUSES.join(", ")}. Health: RED, YELLOW, GREEN.`);
    }
    return listAnswer(deps, parsed.filters, 0, false);
  },
});
