import type { OptionsRoute } from "../../../slack/router.js";
import { optionFor } from "../picker-fns.js";
import type { PickerHandlerDeps } from "./types.js";

/**
 * The options of every creator picker, typed as you go. Read-only and not audited per
 * keystroke: the pick is audited when the form that carries it is submitted.
 */
export const creatorPickOptions = (deps: Pick<PickerHandlerDeps, "picker">): OptionsRoute => ({
  label: "Creator picker search",
  minRole: "staff",
  handle: async (ctx) => (await deps.picker.search(ctx.value)).map(optionFor),
});
