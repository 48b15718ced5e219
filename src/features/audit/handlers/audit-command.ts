import type { CommandRoute } from "../../../slack/router.js";
import { resolveCreator } from "../../creators/creator-answers.js";
import type { CreatorService } from "../../creators/creator-service.js";
import { auditPageBlocks } from "../audit-blocks.js";
import { ALL_TARGET, type AuditQueryService } from "../audit-query-service.js";

const USAGE = "audit [<creator>]";

/** `/wl audit [<creator>]`: one creator's trail (manager), or everything (admin). */
export const auditCommand = (deps: { auditQuery: AuditQueryService; creators: Pick<CreatorService, "resolve"> }): CommandRoute => ({
  name: "audit",
  usage: USAGE,
  description: "recent audit entries: one creator's trail (managers), or everything (admins)",
  minRole: "manager",
  target: (ctx) =>
    ctx.args.trim()
      ? { targetModel: "AuditLog", targetId: ALL_TARGET, targetDisplay: `/wl audit ${ctx.args}`.slice(0, 200) }
      : { targetModel: "AuditLog", targetId: ALL_TARGET, targetDisplay: "/wl audit (all)" },
  async handle(ctx) {
    if (!ctx.args.trim()) {
      const page = await deps.auditQuery.all(ctx.actor);
      return { reply: auditPageBlocks(page), shown: `page 1: ${page.rows.length} entries` };
    }
    const r = await resolveCreator(deps, ctx.args, USAGE);
    if ("answer" in r) return r.answer;
    const page = await deps.auditQuery.creatorTrail(r.creator.id, ctx.actor);
    return {
      reply: auditPageBlocks(page),
      shown: `page 1: ${page.rows.length} entries`,
      target: { targetModel: "AuditLog", targetId: r.creator.id, targetDisplay: `/wl audit ${r.creator.brandName} (${r.creator.creatorName})`.slice(0, 200) },
    };
  },
});
