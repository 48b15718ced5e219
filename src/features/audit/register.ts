import type { Router } from "../../slack/router.js";
import { ACTIONS } from "../../slack/ids.js";
import type { JobHandler } from "../../jobs/job-types.js";
import type { FeatureDeps } from "../types.js";
import type { Services } from "../services.js";
import { auditCommand } from "./handlers/audit-command.js";
import { auditPageButton } from "./handlers/audit-page-button.js";
import { exportCommand } from "./handlers/export-command.js";
import { auditExportJob } from "./export-job.js";

export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const d = { auditQuery: s.auditQuery, creators: s.creators };
  router.command(auditCommand(d)).action(ACTIONS.auditPage, auditPageButton(d));
  router.command(exportCommand({ auditExport: s.auditExport, now: () => deps.clock.now(), tz: deps.config.digest.tz }));
}

/** The audit export, run by whichever replica claims it. */
export function jobs(_deps: FeatureDeps, s: Services): JobHandler[] {
  return [auditExportJob(s.auditExport)];
}
