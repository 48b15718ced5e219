import type { CommandRoute } from "../../../slack/router.js";
import { esc } from "../../../slack/mrkdwn.js";
import { creatorTarget, resolveCreator } from "../creator-answers.js";
import { archivePrompt } from "../creator-blocks.js";
import type { CreatorHandlerDeps } from "./types.js";

const USAGE = "archive <creator>";

/** `/wl archive <creator>`: asks to confirm; the button's confirm dialog is the second step. */
export const archiveCommand = (deps: Pick<CreatorHandlerDeps, "creators">): CommandRoute => ({
  name: "archive",
  usage: USAGE,
  description: "archive a creator (asks to confirm)",
  minRole: "staff",
  async handle(ctx) {
    const r = await resolveCreator(deps, ctx.args, USAGE);
    if ("answer" in r) return r.answer;
    const c = r.creator;
    if (!c.isActive) return { reply: `*${esc(c.brandName)}* is already archived.`, shown: "archive asked; already archived", target: creatorTarget(c) };
    return { reply: archivePrompt(c), shown: "asked to confirm archive", target: creatorTarget(c) };
  },
});
