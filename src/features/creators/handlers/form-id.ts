import { parseId } from "../../../slack/ids.js";
import type { ViewCtx } from "../../../slack/router.js";

/** The creator a creator form is about, from its (forgeable) metadata; the service re-checks it exists. */
export const formCreatorId = (ctx: Pick<ViewCtx, "meta">): string => parseId(ctx.meta.id, "This form is out of date. Open it again.");
