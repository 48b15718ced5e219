import type { AuditTarget } from "../../audit/audit-fns.js";
import type { Actor } from "../../identity/actor.js";
import { hasRole } from "../../identity/roles.js";
import { invalid } from "../../errors.js";
import type { IsoDate } from "../../lib/dates.js";
import type { Answer } from "../../slack/router.js";
import { SLASH_COMMAND } from "../../slack/ids.js";
import { creatorCard } from "./creator-blocks.js";
import { displayOf } from "./creator-fns.js";
import type { CreatorRef } from "./creator-lookup.js";
import { candidatesBlocks, noMatchBlocks } from "./creator-lookup-blocks.js";
import type { CardData, CreatorService } from "./creator-service.js";

// Answers every creator handler gives the same way: the card, and `<creator>` resolution.

/** What a message holding the card's buttons shows: forms opened from it redraw the card. */
export const CARD = "card";

export const creatorTarget = (c: { id: string; brandName: string; creatorName: string }): AuditTarget => ({
  targetModel: "Creator",
  targetId: c.id,
  targetDisplay: displayOf(c),
});

/**
 * The card as an answer: the VIEW row names the creator, not the command. After a form,
 * `replace` makes it replace the card the form was opened from (where there is one), and the
 * notice is also its fallback text: the one line a notification or the App Home shows.
 */
export async function cardAnswer(
  deps: { creators: Pick<CreatorService, "card">; today: () => IsoDate },
  actor: Actor,
  id: string,
  opts: { notice?: string; shown?: string; replace?: boolean; known?: CardData } = {},
): Promise<Answer> {
  // `known`: the card of a creator this request just made (no read needed).
  const card = opts.known ?? (await deps.creators.card(id, actor.userId));
  if (!card) throw invalid("That creator no longer exists.");
  // Follows shape managers' digests, so only managers see the button.
  const following = hasRole(actor.role, "manager") ? card.following : undefined;
  const msg = creatorCard(card, { today: deps.today(), isAdmin: hasRole(actor.role, "admin"), notice: opts.notice, following });
  return {
    reply: { ...msg, ...(opts.notice ? { text: opts.notice } : {}), ...(opts.replace ? { replace_original: true } : {}) },
    shown: opts.shown ?? "card shown",
    target: creatorTarget(card.creator),
  };
}

/**
 * `<creator>` as the contract defines it, for every feature that takes one: the one creator it
 * names, or the answer that says why not (no match, or the candidates with Open buttons).
 */
export async function resolveCreator(
  deps: { creators: Pick<CreatorService, "resolve"> },
  ref: string,
  usage: string,
): Promise<{ creator: CreatorRef } | { answer: Answer }> {
  if (!ref.trim()) throw invalid(`Usage: \`${SLASH_COMMAND} ${usage}\``);
  const r = await deps.creators.resolve(ref);
  if (r.kind === "one") return { creator: r.creator };
  return {
    answer: {
      reply: r.kind === "many" ? candidatesBlocks(ref, r.candidates) : noMatchBlocks(ref),
      shown: r.kind === "many" ? `${r.candidates.length} creators matched; asked which one` : "no creator matched",
    },
  };
}
