import { invalid } from "../../../errors.js";
import type { ViewRoute } from "../../../slack/router.js";
import { cardAnswer } from "../creator-answers.js";
import { EDIT_COLUMNS, touchedColumns } from "../creator-fns.js";
import { parseCreatorEdit, readFormValues } from "../creator-schemas.js";
import { formCreatorId } from "./form-id.js";
import type { CreatorHandlerDeps } from "./types.js";

/** The Edit creator form: only the columns the user touched are validated and written. */
export const editForm = (deps: CreatorHandlerDeps): ViewRoute => ({
  label: "Edit creator form",
  minRole: "staff",
  model: "Creator",
  async handle(ctx) {
    const id = formCreatorId(ctx);
    const raw = readFormValues(ctx.view.state.values);
    const shown = ctx.meta.shown && typeof ctx.meta.shown === "object" ? (ctx.meta.shown as Record<string, unknown>) : {};
    const parsed = parseCreatorEdit(raw, touchedColumns(raw, shown, EDIT_COLUMNS));
    if (!parsed.ok) throw invalid("Some fields need fixing.", parsed.errors);
    const r = await deps.creators.update(id, parsed.data, ctx.actor);
    await ctx.ack();
    if (r.changed.length === 0) return { shown: "Edit creator form submitted; nothing changed" };
    return cardAnswer(deps, ctx.actor, id, { notice: `Saved: ${r.changed.join(", ")}.`, replace: true });
  },
});
