import type { Answer, ActionCtx, Msg } from "../../../slack/router.js";
import { CARD, creatorTarget } from "../../creators/creator-answers.js";
import { LIST_BLOCK_PREFIX, milestonesMessage } from "../milestone-blocks.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** The list as an answer (the command, the card's `Milestones`). */
export async function listAnswer(
  deps: Pick<MilestoneHandlerDeps, "milestones" | "today">,
  creatorId: string,
  notice?: string,
): Promise<Answer & { reply: Msg }> {
  const list = await deps.milestones.list(creatorId);
  return {
    reply: milestonesMessage(list, deps.today(), notice),
    shown: `milestones listed (${list.milestones.length})`,
    target: creatorTarget(list.creator),
  };
}

/** The click came from the milestones list itself (not the card, the Home tab or a digest). */
export const fromList = (ctx: ActionCtx) => Boolean(ctx.body.actions?.[0]?.block_id?.startsWith(LIST_BLOCK_PREFIX));
export const inMessage = (ctx: ActionCtx) => ctx.body.container?.type === "message" && Boolean(ctx.body.response_url);

/**
 * After a change made by a button (already committed and audited): the list it came from is
 * redrawn in place; a click elsewhere in a message (the card) gets the list as a new message;
 * elsewhere, a short note. A failed redraw still says what was saved.
 */
export async function changeAnswer(
  deps: Pick<MilestoneHandlerDeps, "milestones" | "today" | "logger">,
  ctx: ActionCtx,
  creatorId: string,
  notice: string,
): Promise<Answer> {
  if (!inMessage(ctx)) return { reply: notice };
  try {
    const { reply } = await listAnswer(deps, creatorId, notice);
    return { reply: fromList(ctx) && typeof reply !== "string" ? { ...reply, replace_original: true } : reply };
  } catch (e) {
    deps.logger.warn({ err: e }, "could not redraw the milestones list");
    return { reply: notice };
  }
}

/** What the message a form was opened from shows (stored with its place), so the answer redraws it. */
export const MILESTONE_LIST = "milestones";
export const shownBy = (ctx: ActionCtx): string => (fromList(ctx) ? MILESTONE_LIST : CARD);
