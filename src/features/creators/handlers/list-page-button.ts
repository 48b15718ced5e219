import { invalid } from "../../../errors.js";
import type { ActionRoute } from "../../../slack/router.js";
import { LABELS } from "../../../slack/ids.js";
import { decodeListPage } from "../creator-fns.js";
import { listAnswer } from "./list-answer.js";
import type { CreatorHandlerDeps } from "./types.js";

/** `Previous`/`Next` under a list: the page replaces the one clicked. The value is re-parsed, never trusted. */
export const listPageButton = (deps: Pick<CreatorHandlerDeps, "creators" | "today">): ActionRoute => ({
  label: `${LABELS.next} / ${LABELS.previous} (creator list)`,
  minRole: "staff",
  async handle(ctx) {
    const state = decodeListPage(ctx.action.value);
    if (!state) throw invalid("That list is out of date. Run `/wl list` again.");
    return listAnswer(deps, state, state.page, true);
  },
});
