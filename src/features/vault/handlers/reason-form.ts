import { invalid, isAppError } from "../../../errors.js";
import type { ViewRoute } from "../../../slack/router.js";
import { parseId } from "../../../slack/ids.js";
import { requestSentBlocks } from "../vault-blocks.js";
import { parseForm, reasonSchema } from "../vault-schemas.js";
import type { VaultHandlerDeps } from "./types.js";

/** The reason form: records a PENDING request, then asks the admins. */
export const reasonForm = (deps: Pick<VaultHandlerDeps, "vault" | "reveal" | "notify" | "approvalsChannel">): ViewRoute => ({
  label: "Request reveal form",
  minRole: "staff",
  model: "CreatorCredential",
  async handle(ctx) {
    const credentialId = parseId(ctx.meta.id, "This form is out of date. Open it again.");
    const { reason } = parseForm(reasonSchema, ctx.view.state.values);
    let v: Awaited<ReturnType<typeof deps.reveal.request>>;
    try {
      v = await deps.reveal.request(ctx.actor, credentialId, reason);
    } catch (e) {
      // A refusal (limit, inactive) is shown on the reason input, keeping the modal open.
      if (isAppError(e)) throw invalid(e.userMessage, { reason: e.userMessage.slice(0, 150) });
      throw e;
    }
    await ctx.ack();
    const notified = await deps.notify.prompt(v);
    return { reply: requestSentBlocks(v, notified, deps.approvalsChannel) };
  },
});
