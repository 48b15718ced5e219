import type { CreatorService } from "../../creators/creator-service.js";
import type { RevealNotifier } from "../reveal-notify.js";
import type { RevealService } from "../reveal-service.js";
import type { VaultService } from "../vault-service.js";
import type { RevealOnce } from "../reveal-once.js";

export type VaultHandlerDeps = {
  vault: VaultService;
  reveal: RevealService;
  notify: RevealNotifier;
  revealOnce: RevealOnce;
  creators: Pick<CreatorService, "resolve">;
  approvalsChannel: string | undefined;
};
