import type { Router } from "../../slack/router.js";
import { ACTIONS } from "../../slack/ids.js";
import type { FeatureDeps } from "../types.js";
import type { Services } from "../services.js";
import { auditCommand } from "./handlers/audit-command.js";
import { auditPageButton } from "./handlers/audit-page-button.js";

export function register(router: Router, _deps: FeatureDeps, s: Services): void {
  const d = { auditQuery: s.auditQuery, creators: s.creators };
  router.command(auditCommand(d)).action(ACTIONS.auditPage, auditPageButton(d));
}
