import { z } from "zod";
import { invalid } from "../../../errors.js";
import type { ActionRoute } from "../../../slack/router.js";
import { LABELS } from "../../../slack/ids.js";
import { parseMeta } from "../../../slack/router.js";
import { auditPageBlocks } from "../audit-blocks.js";
import { ALL_TARGET, type AuditQueryService } from "../audit-query-service.js";

const pageButton = z.object({ c: z.uuid().nullable(), a: z.uuid(), p: z.number().int().min(2).max(10_000) });

/** `Next` under an audit page; the role is re-checked by the query service for the scope asked. */
export const auditPageButton = (deps: { auditQuery: AuditQueryService }): ActionRoute => ({
  label: `${LABELS.next} (audit entries)`,
  minRole: "manager",
  target: () => ({ targetModel: "AuditLog", targetId: ALL_TARGET, targetDisplay: "audit entries: next page" }),
  async handle(ctx) {
    const parsed = pageButton.safeParse(parseMeta(ctx.action.value));
    if (!parsed.success) throw invalid("That button is out of date; run `/wl audit` again.");
    const { c, a, p } = parsed.data;
    const opts = { cursor: a, pageNumber: p };
    const page = c ? await deps.auditQuery.creatorTrail(c, ctx.actor, opts) : await deps.auditQuery.all(ctx.actor, opts);
    return {
      reply: { ...auditPageBlocks(page), replace_original: true },
      shown: `page ${p}: ${page.rows.length} entries`,
      target: { targetModel: "AuditLog", targetId: c ?? ALL_TARGET, targetDisplay: c ? "creator audit trail" : "/wl audit (all)" },
    };
  },
});
