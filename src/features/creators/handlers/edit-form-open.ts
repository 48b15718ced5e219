import type { WebClient } from "@slack/web-api";
import { invalid } from "../../../errors.js";
import type { Actor } from "../../../identity/actor.js";
import { openLoaded } from "../../../slack/modals.js";
import { columnValuesOf } from "../creator-fns.js";
import { editCreatorModal } from "../creator-modals.js";
import { creatorTarget } from "../creator-answers.js";
import type { CreatorHandlerDeps } from "./types.js";

/** Opens the Edit creator form filled in (from `/wl edit` and the card's `Edit`). */
export async function openEditForm(
  deps: Pick<CreatorHandlerDeps, "creators">,
  ctx: { client: WebClient; actor: Actor; record(shown: string, target?: ReturnType<typeof creatorTarget>): Promise<void> },
  triggerId: string,
  id: string,
): Promise<void> {
  await openLoaded(ctx.client, triggerId, "Edit creator", async () => {
    const row = await deps.creators.get(id);
    if (!row) throw invalid("That creator no longer exists.");
    await ctx.record("opened the Edit creator form", creatorTarget(row));
    return editCreatorModal(id, columnValuesOf(row));
  });
}
