import type { Router } from "../../slack/router.js";
import { helpCommand } from "./handlers/help-command.js";

export function register(router: Router): void {
  router.command(helpCommand(router));
}
