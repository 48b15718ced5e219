import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import { openLoaded } from "../../../slack/modals.js";
import { cardAnswer } from "../creator-answers.js";
import { cardModal, type Message } from "../creator-blocks.js";
import type { CreatorHandlerDeps } from "./types.js";

/** `Open` anywhere a creator is listed (find, list, candidates, digests, Home): the card. */
export const openCardButton = (deps: CreatorHandlerDeps): ActionRoute => ({
  label: `${LABELS.open} creator card`,
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const id = parseId(ctx.action.value);
    if (ctx.body.view?.type !== "home") return cardAnswer(deps, ctx.actor, id);
    // From the App Home the card opens over the Home tab, as Slack apps' Home buttons do; a DM
    // would land in Messages with nothing on the Home tab to say so.
    await openLoaded(ctx, "Creator", async () => {
      const a = await cardAnswer(deps, ctx.actor, id);
      await ctx.record(a.shown ?? "card shown", a.target);
      return cardModal(a.reply as Message);
    });
  },
});
