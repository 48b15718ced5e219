import { invalid } from "../../../errors.js";
import type { Answer, ViewCtx } from "../../../slack/router.js";
import { cardAnswer } from "../../creators/creator-answers.js";
import { modalMetaSchema, parseMilestoneForm, type ModalMeta } from "../milestone-schemas.js";
import { listAnswer, MILESTONE_LIST } from "./milestone-answers.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** A form's metadata, re-checked: ids must be well-formed (the services check they exist). */
export function metaFrom(ctx: ViewCtx, needMilestone: boolean): ModalMeta {
  const m = modalMetaSchema.safeParse(ctx.meta);
  if (!m.success || (needMilestone && !m.data.milestoneId)) throw invalid("This form is out of date. Close it and open it again.");
  return m.data;
}

export function formOf(ctx: ViewCtx) {
  const parsed = parseMilestoneForm(ctx.view.state.values);
  if (!parsed.ok) throw invalid("Please fix the highlighted fields.", parsed.errors);
  return parsed.value;
}

/**
 * After a form's change (committed and audited): the message it was opened from is redrawn in
 * its place with the notice on top, the milestones list or the card; opened from elsewhere (or
 * unknown), the notice alone. The pipeline sends it where the form came from.
 */
export async function submitAnswer(deps: MilestoneHandlerDeps, ctx: Pick<ViewCtx, "place" | "actor">, creatorId: string, notice: string): Promise<Answer> {
  try {
    const place = await ctx.place();
    if (place?.shows === MILESTONE_LIST) {
      const a = await listAnswer(deps, creatorId, notice);
      return { ...a, reply: typeof a.reply === "string" ? a.reply : { ...a.reply, replace_original: true } };
    }
    if (place) return await cardAnswer(deps, ctx.actor, creatorId, { notice, replace: true });
  } catch (e) {
    // The change is saved; a failed redraw still says what was saved.
    deps.logger.warn({ err: (e as Error).message }, "could not redraw after a milestone form");
  }
  return { reply: notice };
}
