import type { ActionRoute } from "../../../slack/router.js";
import { ACTIONS, LABELS } from "../../../slack/ids.js";
import { clampPage } from "../digest-fns.js";
import { digestPageBlocks } from "../digest-blocks.js";
import type { DigestHandlerDeps } from "./types.js";

/**
 * `See all`, `Previous` and `Next`: a page of everyone needing attention now, to the clicker
 * only. From the digest it is a new ephemeral message; from a page it replaces that page. The
 * page number in the button is only a wish: clamped to the pages there are.
 */
export const digestSeeAllButton = (deps: Pick<DigestHandlerDeps, "digests" | "today">): ActionRoute => ({
  label: `${LABELS.seeAll} (digest)`,
  minRole: "staff",
  async handle(ctx) {
    const { snapshot, entries } = await deps.digests.prepare(deps.today(), { compareWithToday: true });
    const { page, pages } = clampPage(ctx.action.value, snapshot.red.length + snapshot.yellow.length);
    const msg = digestPageBlocks(snapshot, entries, page, pages);
    const fromPage = ctx.action.action_id !== ACTIONS.digestSeeAll && ctx.body.container?.is_ephemeral === true;
    return { reply: { ...msg, replace_original: fromPage }, shown: `digest page ${page + 1} of ${pages}` };
  },
});
