import { invalid } from "../../../errors.js";
import type { CommandRoute } from "../../../slack/router.js";
import { pseudoTarget } from "../../../slack/pipeline/targets.js";
import { findResults } from "../creator-blocks.js";
import { cleanSearchText, codePoints, FIND_TEXT_MAX } from "../creator-fns.js";
import type { CreatorHandlerDeps } from "./types.js";

/** `/wl find <text>`: brand, name, email or handle contains the text. */
export const findCommand = (deps: Pick<CreatorHandlerDeps, "creators">): CommandRoute => ({
  name: "find",
  usage: "find <text>",
  description: "creators whose brand, name, email or handle contains the text",
  minRole: "staff",
  async handle(ctx) {
    const text = cleanSearchText(ctx.args);
    if (!text) throw invalid("Usage: `/wl find <text>`, e.g. `/wl find glow`.");
    if (codePoints(text) > FIND_TEXT_MAX) throw invalid(`Search for at most ${FIND_TEXT_MAX} characters.`);
    const r = await deps.creators.find(text);
    return { reply: findResults(text, r), shown: `${r.total} matched`, target: pseudoTarget("SlackCommand", "command:find", `/wl find ${text}`) };
  },
});
