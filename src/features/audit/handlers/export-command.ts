import { invalid } from "../../../errors.js";
import type { CommandRoute } from "../../../slack/router.js";
import { ALL_TARGET } from "../audit-query-service.js";
import { parseExportRange } from "../export-fns.js";
import type { AuditExportService } from "../export-service.js";

const USAGE = "audit export <from> <to>";

/** `/wl audit export <from> <to>` (admin): queues the CSV; the job DMs it. */
export const exportCommand = (deps: { auditExport: Pick<AuditExportService, "enqueue">; now: () => Date; tz: string }): CommandRoute => ({
  name: "audit export",
  usage: USAGE,
  description: "a CSV of reveal requests, decisions, reveals and role changes between two dates (YYYY-MM-DD), sent to you by DM",
  minRole: "admin",
  target: (ctx) => ({ targetModel: "AuditLog", targetId: ALL_TARGET, targetDisplay: `/wl audit export ${ctx.args}`.slice(0, 200) }),
  async handle(ctx) {
    const range = parseExportRange(ctx.args, deps.now(), deps.tz);
    if ("error" in range) throw invalid(`${range.error} Usage: \`/wl ${USAGE}\``);
    // The trigger id is unique per invocation: a redelivered command queues one export.
    await deps.auditExport.enqueue(ctx.actor, range, `${ctx.actor.slackUserId ?? "?"}:${ctx.triggerId}`);
    return {
      reply: `Export queued for ${range.from} to ${range.to} (${deps.tz}). I'll DM you the file when it's ready.`,
      shown: `audit export queued: ${range.from} to ${range.to}`,
    };
  },
});
