import { invalid } from "../../../errors.js";
import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { openLoaded } from "../../../slack/modals.js";
import { creatorTarget } from "../creator-answers.js";
import { statusModal } from "../creator-modals.js";
import type { CreatorHandlerDeps } from "./types.js";

/** The card's `Status`: the status form, on the current status. */
export const statusButton = (deps: Pick<CreatorHandlerDeps, "creators">): ActionRoute => ({
  label: `${LABELS.status} (change journey status)`,
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const id = parseId(ctx.action.value);
    await openLoaded(
      ctx,
      "Change status",
      async () => {
        const c = await deps.creators.get(id);
        if (!c) throw invalid("That creator no longer exists.");
        await ctx.record("opened the status form", creatorTarget(c));
        return statusModal(c, c.journeyStatus);
      },
      { shows: "card" },
    );
  },
});
