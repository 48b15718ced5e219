import type { Answer } from "../../../slack/router.js";
import { pseudoTarget } from "../../../slack/pipeline/targets.js";
import { filtersText, listPage } from "../creator-blocks.js";
import type { ListFilters } from "../creator-fns.js";
import type { CreatorHandlerDeps } from "./types.js";

/** One page of `/wl list`, from the command or its Previous/Next buttons. */
export async function listAnswer(deps: Pick<CreatorHandlerDeps, "creators" | "today">, filters: ListFilters, page: number, replace: boolean): Promise<Answer> {
  const l = await deps.creators.list(filters, page);
  return {
    reply: { ...listPage(l, filters, deps.today()), ...(replace ? { replace_original: true } : {}) },
    shown: `page ${l.page + 1} of ${l.pages}; ${l.total} creators`,
    target: pseudoTarget("SlackCommand", "command:list", `/wl list ${filtersText(filters)}`),
  };
}
