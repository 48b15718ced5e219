import type { CreatorService } from "../../creators/creator-service.js";
import type { RevealNotifier } from "../reveal-notify.js";
import type { RevealService } from "../reveal-service.js";
import type { VaultService } from "../vault-service.js";
import type { RevealOnce } from "../reveal-once.js";
import type { AnswerPlaces } from "../../../slack/answer-in-place.js";

export type VaultHandlerDeps = {
  vault: VaultService;
  reveal: RevealService;
  notify: RevealNotifier;
  revealOnce: RevealOnce;
  creators: Pick<CreatorService, "resolve">;
  approvalsChannel: string | undefined;
  places: Pick<AnswerPlaces, "remember">;
};

/** What a message holding `Add credential`, `Edit` and `Request reveal` shows: its forms redraw it. */
export const CREDENTIAL_LIST = "credentials";
