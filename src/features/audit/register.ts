import { z } from "zod";
import type { Router } from "../../slack/router.js";
import type { FeatureDeps } from "../types.js";
import { ACTIONS } from "../../slack/ids.js";
import { invalid } from "../../errors.js";
import { parseMeta } from "../../slack/router.js";
import { creatorOrReply } from "../creators/creator-resolve.js";
import { createAuditQueryService } from "./audit-query-service.js";
import { auditPageBlocks } from "./audit-blocks.js";

const USAGE = "audit [<creator>]";

const pageButton = z.object({ c: z.uuid().nullable(), a: z.uuid(), p: z.number().int().min(2).max(10_000) });

export function register(router: Router, deps: FeatureDeps): void {
  const service = createAuditQueryService({ db: deps.db });

  router.command({
    name: "audit",
    usage: USAGE,
    description: "recent audit entries: one creator's trail (managers), or everything (admins)",
    minRole: "manager",
    handler: async (ctx) => {
      if (!ctx.args.trim()) {
        await ctx.reply(auditPageBlocks(await service.all(ctx.actor)));
        return;
      }
      const creator = await creatorOrReply(deps.db, ctx.args, ctx.reply, USAGE);
      if (!creator) return;
      await ctx.reply(auditPageBlocks(await service.creatorTrail(creator.id, ctx.actor)));
    },
  });

  router.action(ACTIONS.auditPage, "manager", async (ctx) => {
    const parsed = pageButton.safeParse(parseMeta(ctx.action.value));
    if (!parsed.success) throw invalid("That button is out of date; run `/wl audit` again.");
    const { c, a, p } = parsed.data;
    const opts = { cursor: a, pageNumber: p };
    const page = c ? await service.creatorTrail(c, ctx.actor, opts) : await service.all(ctx.actor, opts);
    await ctx.reply({ ...auditPageBlocks(page), replace_original: true });
  });
}
