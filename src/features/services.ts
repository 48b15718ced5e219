import { todayOf, type FeatureDeps } from "./types.js";
import { createCreatorService } from "./creators/creator-service.js";
import { createMilestoneService } from "./milestones/milestone-service.js";
import { createVaultService } from "./vault/vault-service.js";
import { createRevealService } from "./vault/reveal-service.js";
import { createRevealNotifier } from "./vault/reveal-notify.js";
import { enqueueRequestReminder } from "./vault/reveal-reminder-job.js";
import { createDigestService } from "./digests/digest-service.js";
import { createDeliverableService } from "./deliverables/deliverable-service.js";
import { createClaudeClient } from "./deliverables/claude-client.js";
import { createAuditQueryService } from "./audit/audit-query-service.js";
import { createHomeService } from "./home/home-service.js";
import { createAskService } from "./ask/ask-service.js";
import { createClaudeChat } from "./ask/ask-claude.js";
import { ASK_LIMITS } from "./ask/ask-limits.js";
import { createPickerService } from "./picker/picker-service.js";
import { createFollowService } from "./follows/follow-service.js";
import { createDigestSettingsService } from "./digest-settings/settings-service.js";
import { createAuditExportService } from "./audit/export-service.js";
import { createAnswerPlaces } from "../slack/answer-in-place.js";

/**
 * Every feature service, built once per process from the composition root's deps and shared by
 * handlers, schedules and start-up work (so, e.g., the reveal service's state exists once).
 */
export function createServices(deps: FeatureDeps) {
  const { db, config, logger, client, health } = deps;
  const today = () => todayOf(deps);
  const now = () => deps.clock.now();
  const reveal = createRevealService({
    db,
    approvalTtlMinutes: config.revealApprovalTtlMinutes,
    now: () => now().getTime(),
    onRequested: (tx, created) => enqueueRequestReminder(tx, deps.jobs, created),
  });
  // Where forms were opened from (and admins' ephemeral approvals): answers land there.
  const places = createAnswerPlaces({ db, fernet: deps.fernet, now });
  return Object.freeze({
    creators: createCreatorService({ db, pool: deps.pool, health, now, today }),
    milestones: createMilestoneService({ db, health, today }),
    vault: createVaultService({ db, fernet: deps.fernet }),
    reveal,
    notify: createRevealNotifier({
      client,
      logger,
      identity: deps.identity,
      reveal,
      approvalsChannel: config.approvalsChannel,
      revealTtlSeconds: config.revealMessageTtlSeconds,
      places,
    }),
    digests: createDigestService({ db, health }),
    deliverables: createDeliverableService({
      db,
      health,
      slack: client,
      claude: config.anthropic.apiKey ? createClaudeClient({ apiKey: config.anthropic.apiKey, baseUrl: config.anthropic.baseUrl, logger }) : null,
      model: config.anthropic.model,
      tz: config.digest.tz,
      logger,
      clock: deps.clock,
      jobs: deps.jobs,
    }),
    auditQuery: createAuditQueryService({ db }),
    home: createHomeService({ db, health }),
    ask: createAskService({
      db,
      health,
      chat: config.anthropic.apiKey
        ? createClaudeChat({
            apiKey: config.anthropic.apiKey,
            baseUrl: config.anthropic.baseUrl,
            logger,
            timeoutMs: ASK_LIMITS.attemptTimeoutMs,
            maxRetries: ASK_LIMITS.maxRetries,
          })
        : null,
      model: config.anthropic.model,
      tz: config.digest.tz,
      clock: deps.clock,
      logger,
      slack: client,
    }),
    picker: createPickerService({ db, pool: deps.pool, health, now }),
    // Personal digests (issue 18 part 2).
    follows: createFollowService({ db }),
    digestSettings: createDigestSettingsService({ db }),
    // Access reviews (issue 18 part 3).
    auditExport: createAuditExportService({ db, client, jobs: deps.jobs, tz: config.digest.tz }),
    places,
  });
}

export type Services = ReturnType<typeof createServices>;
