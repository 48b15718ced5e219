import type { Router } from "../../slack/router.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import type { FeatureDeps, Schedule } from "../types.js";
import type { Services } from "../services.js";
import { createRevealOnce } from "./reveal-once.js";
import { revealDeletionJob, revealDeletions } from "./reveal-deletion.js";
import { enqueueRequestNotices, requestNoticeJob } from "./reveal-notice-job.js";
import { requestReminderJob } from "./reveal-reminder-job.js";
import type { JobHandler } from "../../jobs/job-types.js";
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
import { cancelButton } from "./handlers/cancel-button.js";

/** The vault: which handler answers which command, button and form. */
export function register(router: Router, deps: FeatureDeps, s: Services): void {
  const { vault, reveal, notify } = s;
  const { fernet, logger, config } = deps;
  const deletions = revealDeletions({ db: deps.db, jobs: deps.jobs, fernet, ttlSeconds: config.revealMessageTtlSeconds });
  const revealOnce = createRevealOnce({
    reveal,
    vault,
    notify,
    deletions,
    fernet,
    logger,
    metrics: deps.metrics,
    messageTtlSeconds: config.revealMessageTtlSeconds,
  });
  const d = { vault, reveal, notify, revealOnce, creators: s.creators, approvalsChannel: deps.config.approvalsChannel, places: s.places };
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
    .action(ACTIONS.revealCancel, cancelButton(d))
    .view(VIEWS.credentialAdd, addCredentialForm(d))
    .view(VIEWS.credentialEdit, editCredentialForm(d))
    .view(VIEWS.revealReason, reasonForm(d));
}

/** Expires requests and unused approvals whose time has passed; their messages are updated by jobs. */
export function schedules(deps: FeatureDeps, s: Services): Schedule[] {
  return [
    {
      name: "vault-expire-reveals",
      cron: "*/5 * * * *",
      tz: "UTC",
      async run() {
        await s.reveal.expireStale((tx, ids) => enqueueRequestNotices(tx, deps.jobs, ids, "EXPIRED"));
      },
    },
  ];
}

/** Reveal deletions, request notices and reminders, run by whichever replica claims them. */
export function jobs(deps: FeatureDeps, s: Services): JobHandler[] {
  return [
    revealDeletionJob({ fernet: deps.fernet }),
    requestNoticeJob({ reveal: s.reveal, notify: s.notify }),
    requestReminderJob({ reveal: s.reveal, notify: s.notify }),
  ];
}
