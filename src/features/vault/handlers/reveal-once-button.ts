import { invalid } from "../../../errors.js";
import type { ActionRoute } from "../../../slack/router.js";
import { LABELS, parseId } from "../../../slack/ids.js";
import type { VaultHandlerDeps } from "./types.js";

/** `Reveal once`: the one path on which a secret leaves the vault (see reveal-once.ts). */
export const revealOnceButton = (deps: Pick<VaultHandlerDeps, "reveal" | "notify" | "revealOnce">): ActionRoute => ({
  label: LABELS.revealOnce,
  minRole: "staff",
  model: "RevealRequest",
  async handle(ctx) {
    const id = parseId(ctx.action.value);
    // Without a response_url the only way to answer is a stored message; refuse before claiming.
    if (!ctx.body.response_url) throw invalid("Click `Reveal once` in the message I sent you; the secret can only be shown there.");
    // The secret replaces the clicked message and is later removed through the same URL; Slack
    // can do both only for an ephemeral message. A click on a stored one gets a fresh ephemeral offer.
    if (!(ctx.body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral) {
      return { reply: deps.notify.offer(await deps.reveal.checkRevealable(ctx.actor, id)), shown: "offered Reveal once in an ephemeral message" };
    }
    await deps.revealOnce(ctx.actor, id, ctx.body.response_url);
  },
});
