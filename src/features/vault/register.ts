import type { Router } from "../../slack/router.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import type { FeatureDeps, Schedule } from "../types.js";
import type { Services } from "../services.js";
import { createRevealOnce } from "./reveal-once.js";
import { credsCommand } from "./handlers/creds-command.js";
import { approvalsCommand } from "./handlers/approvals-command.js";
import { credentialsButton } from "./handlers/credentials-button.js";
import { addCredentialButton } from "./handlers/add-credential-button.js";
import { editCredentialButton } from "./handlers/edit-credential-button.js";
import { deactivateButton } from "./handlers/deactivate-button.js";
import { requestRevealButton } from "./handlers/request-reveal-button.js";
import { decideButton } from "./handlers/decide-button.js";
import { revealOnceButton } from "./handlers/reveal-once-button.js";
import { addCredentialForm } from "./handlers/add-credential-form.js";
import { editCredentialForm } from "./handlers/edit-credential-form.js";
import { reasonForm } from "./handlers/reason-form.js";

/** The vault: which handler answers which command, button and form. */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const { vault, reveal, notify } = s;
  const revealOnce = createRevealOnce({ reveal, vault, notify, fernet: deps.fernet, logger: deps.logger, messageTtlSeconds: deps.config.revealMessageTtlSeconds });
  const d = { vault, reveal, notify, revealOnce, creators: s.creators, approvalsChannel: deps.config.approvalsChannel };
  router
    .command(credsCommand(d))
    .command(approvalsCommand(d))
    .action(ACTIONS.creatorCredentials, credentialsButton(d))
    .action(ACTIONS.credentialAdd, addCredentialButton(d))
    .action(ACTIONS.credentialEdit, editCredentialButton(d))
    .action(ACTIONS.credentialDeactivate, deactivateButton(d))
    .action(ACTIONS.revealRequest, requestRevealButton(d))
    .action(ACTIONS.revealApprove, decideButton(d, "APPROVED"))
    .action(ACTIONS.revealDeny, decideButton(d, "DENIED"))
    .action(ACTIONS.revealOnce, revealOnceButton(d))
    .view(VIEWS.credentialAdd, addCredentialForm(d))
    .view(VIEWS.credentialEdit, editCredentialForm(d))
    .view(VIEWS.revealReason, reasonForm(d));
}

/** Expires requests and unused approvals whose time has passed, and updates their messages. */
export function schedules(_deps: FeatureDeps, s: Services): Schedule[] {
  return [
    {
      name: "vault-expire-reveals",
      cron: "*/5 * * * *",
      tz: "UTC",
      async run() {
        for (const v of await s.reveal.expireStale()) await s.notify.refresh(v);
      },
    },
  ];
}
