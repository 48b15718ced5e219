import { invalid } from "../../../errors.js";
import type { CommandRoute } from "../../../slack/router.js";
import { previewAnswer } from "./digest-preview.js";
import { postNowAnswer } from "./digest-now.js";
import type { DigestHandlerDeps } from "./types.js";

const USAGE = "digest [now|settings]";

/** `/wl digest` previews the digest for the caller; `/wl digest now` (manager) posts it. */
export const digestCommand = (deps: DigestHandlerDeps): CommandRoute => ({
  name: "digest",
  usage: USAGE,
  description:
    "a preview of the health digest, for you; `now` (manager) posts it to the digest channel; `settings` (manager) sets when you get yours and about whom",
  minRole: "staff",
  async handle(ctx) {
    const arg = ctx.args.trim().toLowerCase();
    if (arg === "") return previewAnswer(deps);
    if (arg === "now") return postNowAnswer(deps, ctx.actor);
    if (arg === "settings") return deps.settings(ctx);
    throw invalid(
      `Usage: \`/wl ${USAGE}\`: \`/wl digest\` previews it for you; \`/wl digest now\` (managers) posts it to the digest channel; \`/wl digest settings\` (managers) sets your own digest.`,
    );
  },
});
