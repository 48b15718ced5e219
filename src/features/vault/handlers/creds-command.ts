import type { CommandRoute } from "../../../slack/router.js";
import { resolveCreator } from "../../creators/creator-answers.js";
import { credentialListAnswer } from "./credential-list.js";
import type { VaultHandlerDeps } from "./types.js";

const USAGE = "creds <creator>";

/** `/wl creds <creator>`: credential metadata, with `Request reveal` and `Add credential`. */
export const credsCommand = (deps: Pick<VaultHandlerDeps, "vault" | "creators">): CommandRoute => ({
  name: "creds",
  usage: USAGE,
  description: "a creator's credentials (never a secret); request a reveal",
  minRole: "staff",
  async handle(ctx) {
    const r = await resolveCreator(deps, ctx.args, USAGE);
    if ("answer" in r) return r.answer;
    return credentialListAnswer(deps, ctx.actor, r.creator.id);
  },
});
