import type { CommandRoute } from "../../../slack/router.js";
import { resolveCreator } from "../creator-answers.js";
import { openEditForm } from "./edit-form-open.js";
import type { CreatorHandlerDeps } from "./types.js";

const USAGE = "edit <creator>";

/** `/wl edit <creator>`: the Edit creator form, filled in. */
export const editCommand = (deps: Pick<CreatorHandlerDeps, "creators">): CommandRoute => ({
  name: "edit",
  usage: USAGE,
  description: "edit a creator (opens a form)",
  minRole: "staff",
  async handle(ctx) {
    const r = await resolveCreator(deps, ctx.args, USAGE);
    if ("answer" in r) return r.answer;
    await openEditForm(deps, ctx, r.creator.id);
  },
});
