import { invalid } from "../../../errors.js";
import type { Actor } from "../../../identity/actor.js";
import { openLoaded } from "../../../slack/modals.js";
import type { FormOpener } from "../../../slack/router.js";
import { columnValuesOf } from "../creator-fns.js";
import { editCreatorModal } from "../creator-modals.js";
import { creatorTarget } from "../creator-answers.js";
import type { CreatorHandlerDeps } from "./types.js";

/** Opens the Edit creator form filled in (from `/wl edit` and the card's `More details`). */
export async function openEditForm(
  deps: Pick<CreatorHandlerDeps, "creators">,
  ctx: FormOpener & { actor: Actor; record(shown: string, target?: ReturnType<typeof creatorTarget>): Promise<void> },
  id: string,
  opts: { shows?: string } = {},
): Promise<void> {
  await openLoaded(
    ctx,
    "Edit creator",
    async () => {
      const row = await deps.creators.get(id);
      if (!row) throw invalid("That creator no longer exists.");
      await ctx.record("opened the Edit creator form", creatorTarget(row));
      return editCreatorModal(id, columnValuesOf(row));
    },
    opts,
  );
}
