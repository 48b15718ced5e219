import { invalid } from "../../../errors.js";
import type { Answer, ViewCtx } from "../../../slack/router.js";
import { postToResponseUrl } from "../../../slack/response-url.js";
import { modalMetaSchema, parseMilestoneForm, type ModalMeta } from "../milestone-schemas.js";
import { listAnswer } from "./milestone-answers.js";
import type { MilestoneHandlerDeps } from "./types.js";

/** A form's metadata, re-checked: ids must be well-formed, and a response_url must be Slack's. */
export function metaFrom(deps: Pick<MilestoneHandlerDeps, "isResponseUrl">, ctx: ViewCtx, needMilestone: boolean): ModalMeta {
  const m = modalMetaSchema.safeParse(ctx.meta);
  if (!m.success || (needMilestone && !m.data.milestoneId)) throw invalid("This form is out of date. Close it and open it again.");
  const { responseUrl, ...rest } = m.data;
  return responseUrl && deps.isResponseUrl(responseUrl) ? { ...rest, responseUrl } : rest;
}

export function formOf(ctx: ViewCtx) {
  const parsed = parseMilestoneForm(ctx.view.state.values);
  if (!parsed.ok) throw invalid("Please fix the highlighted fields.", parsed.errors);
  return parsed.value;
}

/**
 * After a form's change (committed and audited): the list the form was opened from is
 * refreshed through that click's response_url; without one (or once it expired), a DM.
 */
export async function submitAnswer(deps: MilestoneHandlerDeps, meta: ModalMeta, creatorId: string, notice: string): Promise<Answer> {
  if (!meta.responseUrl) return { reply: notice };
  try {
    const { reply } = await listAnswer(deps, creatorId, notice);
    await postToResponseUrl(meta.responseUrl, { response_type: "ephemeral", replace_original: Boolean(meta.fromList), ...(typeof reply === "string" ? { text: reply } : reply) });
    return {};
  } catch (e) {
    // response_url lasts 30 minutes; a form left open longer answers by DM instead.
    deps.logger.warn({ err: (e as Error).message }, "could not refresh the milestones list after a form");
    return { reply: notice };
  }
}
