import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { openEditForm } from "./edit-form-open.js";
import type { CreatorHandlerDeps } from "./types.js";

/** The card's `Edit`. */
export const editButton = (deps: Pick<CreatorHandlerDeps, "creators">): ActionRoute => ({
  label: `${LABELS.moreDetails} (edit creator)`,
  minRole: "staff",
  model: "Creator",
  handle: async (ctx) => openEditForm(deps, ctx, parseId(ctx.action.value), { shows: "card" }),
});
