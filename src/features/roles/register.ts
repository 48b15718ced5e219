import type { Router } from "../../slack/router.js";
import type { FeatureDeps } from "../types.js";
import { roleCommand } from "./handlers/role-command.js";

export function register(router: Router, deps: FeatureDeps): void {
  router.command(roleCommand(deps));
}
