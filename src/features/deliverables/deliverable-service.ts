import { randomBytes } from "node:crypto";
import type { WebClient } from "@slack/web-api";
import type { Db } from "../../db.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Logger } from "../../logger.js";
import type { Actor } from "../../identity/actor.js";
import { SYSTEM_ACTOR } from "../../identity/actor.js";
import { audited, writeAudit, type AuditEntry } from "../../audit/audit-service.js";
import { clip } from "../../audit/audit-fns.js";
import { AppError, ErrorCode, notFound } from "../../errors.js";
import { dateInTz, type IsoDate } from "../../lib/dates.js";
import type { HealthService } from "../health/health-service.js";
import type { Clock } from "../types.js";
import { JOB_STOPPING, type JobQueue } from "../../jobs/job-types.js";
import { TEMPLATES, type DeliverableType } from "./deliverable-prompts.js";
import { buildPrompt, DELIVERABLE_TARGET, DELIVERY, labelOf, parseDeliverableType, type ContextData, type DeliverableStatus } from "./deliverable-fns.js";
import { ClaudeError, type ClaudeClient } from "./claude-client.js";
import { createDelivery } from "./deliverable-delivery.js";
import { snapshot } from "./deliverable-snapshot.js";
import { createProgressReporter, type ProgressStore } from "./deliverable-progress.js";
import { progressSummary } from "./deliverable-progress-fns.js";
import { failedMessage, NOT_CONFIGURED, tooManyOpen } from "./deliverable-blocks.js";

export type DeliverableService = ReturnType<typeof createDeliverableService>;

export const DELIVERABLE_LIMITS = {
  /**
   * A PENDING or GENERATING record older than this with no job to drive it (left by a version
   * that generated in-process, or whose job was lost) is closed as interrupted.
   */
  staleAfterMs: 10 * 60_000,
  /** Open requests per person: stops one user queueing an unbounded bill by clicking Regenerate. */
  maxOpenPerUser: 3,
} as const;

export const INTERRUPTED_MESSAGE = "Interrupted: the bot restarted before Claude finished writing.";

/** The job that drives a record from PENDING to COMPLETED or FAILED (deliverable-job.ts). */
export const GENERATE_JOB = "deliverables.generate";

type Deps = {
  db: Db;
  health: Pick<HealthService, "healthFor">;
  slack: WebClient;
  /** null when ANTHROPIC_API_KEY is not set: the feature refuses and records nothing. */
  claude: ClaudeClient | null;
  model: string;
  tz: string;
  logger: Logger;
  clock: Clock;
  /** The record's generation is enqueued in the transaction that creates it. */
  jobs: Pick<JobQueue, "enqueue">;
  staleAfterMs?: number;
  maxOpenPerUser?: number;
};

export type Requested = { id: string; type: DeliverableType; label: string; brandName: string; creatorName: string };

const recordSelect = {
  id: true,
  status: true,
  deliverableType: true,
  contextData: true,
  promptUsed: true,
  aiModel: true,
  creatorId: true,
  creator: { select: { brandName: true, creatorName: true } },
} as const;

export function createDeliverableService(deps: Deps) {
  const { db, slack, claude, logger } = deps;
  const staleAfterMs = deps.staleAfterMs ?? DELIVERABLE_LIMITS.staleAfterMs;
  const maxOpen = deps.maxOpenPerUser ?? DELIVERABLE_LIMITS.maxOpenPerUser;
  const log = logger.child({ feature: "deliverables" });
  const today = (): IsoDate => dateInTz(deps.clock.now(), deps.tz);
  const display = (type: string, brandName: string, creatorName: string) => `${labelOf(type)}: ${brandName} (${creatorName})`;
  const { dm, deliver } = createDelivery({ db, slack, log, today });

  /**
   * PENDING, with its prompt and snapshot, its CREATE audit row and the job that generates it,
   * in one transaction. The requester's open records are counted under a per-user advisory
   * lock in that transaction, so requests at once cannot all slip under the limit.
   */
  async function request(input: { creatorId: string; type: DeliverableType; regeneratedFrom?: string }, actor: Actor): Promise<Requested> {
    if (!claude) throw new AppError(ErrorCode.NotConfigured, { userMessage: NOT_CONFIGURED });
    const model = clip(deps.model, 50);
    return audited(db, actor, async (tx) => {
      if (actor.userId !== null) {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('wl_ai_deliverable'), ${actor.userId}::int)::text AS locked`;
        const open = await tx.aiDeliverable.count({ where: { createdById: actor.userId, status: { in: ["PENDING", "GENERATING"] } } });
        if (open >= maxOpen) throw new AppError(ErrorCode.RateLimited, { userMessage: tooManyOpen(maxOpen) });
      }
      const snap = await snapshot(tx, deps, input.creatorId, input.type, today());
      const prompt = buildPrompt(input.type, snap.context);
      const row = await tx.aiDeliverable.create({
        data: {
          creatorId: input.creatorId,
          createdById: actor.userId,
          deliverableType: input.type,
          promptUsed: prompt.fullText,
          contextData: snap.context as Prisma.InputJsonObject,
          aiModel: model,
          // NOT NULL in the seed; the content arrives with COMPLETED.
          generatedContent: "",
          status: "PENDING",
        },
        select: { id: true },
      });
      await deps.jobs.enqueue(tx, { kind: GENERATE_JOB, payload: { deliverableId: row.id, actor }, dedupeKey: row.id, maxAttempts: 3 });
      const result: Requested = { id: row.id, type: input.type, label: TEMPLATES[input.type].label, brandName: snap.brandName, creatorName: snap.creatorName };
      const audit: AuditEntry = {
        action: "CREATE",
        targetModel: DELIVERABLE_TARGET,
        targetId: row.id,
        targetDisplay: display(input.type, snap.brandName, snap.creatorName),
        changes: { creator_id: input.creatorId, deliverable_type: input.type, status: "PENDING", ai_model: model },
        notes: input.regeneratedFrom ? `regenerated from ${input.regeneratedFrom}` : null,
      };
      return { result, audit };
    });
  }

  /** One conditional write per transition: whoever moves the row first owns the next step. */
  async function transition(
    id: string,
    from: DeliverableStatus,
    to: DeliverableStatus,
    actor: Actor,
    data: Prisma.AiDeliverableUpdateManyMutationInput,
    extra: { changes?: Record<string, unknown>; notes?: string | null } = {},
  ): Promise<boolean> {
    return db.$transaction(async (tx) => {
      const n = await tx.aiDeliverable.updateMany({ where: { id, status: from }, data: { ...data, status: to } });
      if (n.count !== 1) return false;
      const row = await tx.aiDeliverable.findUniqueOrThrow({
        where: { id },
        select: { deliverableType: true, creator: { select: { brandName: true, creatorName: true } } },
      });
      await writeAudit(tx, actor, {
        action: "UPDATE",
        targetModel: DELIVERABLE_TARGET,
        targetId: id,
        targetDisplay: display(row.deliverableType, row.creator.brandName, row.creator.creatorName),
        changes: { status: { from, to }, ...extra.changes },
        notes: extra.notes ?? null,
      });
      return true;
    });
  }

  /**
   * PENDING → GENERATING → COMPLETED (delivered) or FAILED (requester told). The record's job
   * calls this, and only one replica holds that job at a time: so a record a dead replica left
   * GENERATING is restarted (`resume`). When `signal` aborts because this replica is stopping,
   * Claude is cut off and the record goes back to PENDING for another replica to write now.
   * With `progress` (the job's row), one DM message shows how far Claude got, updated in place.
   */
  async function run(
    id: string,
    actor: Actor,
    requester: string | null,
    opts: { signal?: AbortSignal; resume?: boolean; progress?: ProgressStore } = {},
  ): Promise<DeliverableStatus | null> {
    if (!claude) throw new AppError(ErrorCode.NotConfigured, { userMessage: NOT_CONFIGURED });
    const row = await db.aiDeliverable.findUnique({ where: { id }, select: recordSelect });
    if (!row) return null;
    const from = row.status as DeliverableStatus;
    if (from !== "PENDING" && !(from === "GENERATING" && opts.resume)) return null;
    const type = parseDeliverableType(row.deliverableType);
    const prompt = type ? buildPrompt(type, row.contextData as ContextData) : null;
    // prompt_used must be what is sent: were a template changed by a deploy in between, record the new text.
    const promptChanged = prompt !== null && prompt.fullText !== row.promptUsed;
    const started = await transition(id, from, "GENERATING", actor, promptChanged ? { promptUsed: prompt.fullText } : {}, {
      changes: promptChanged ? { prompt_used: { changed: true } } : {},
      notes: from === "GENERATING" ? "restarted: the replica writing it stopped before it finished" : null,
    });
    if (!started) return null;
    const about = { id, label: labelOf(row.deliverableType), brandName: row.creator.brandName };
    const progress =
      requester && opts.progress ? createProgressReporter({ slack, clock: deps.clock, logger: log, about, requester, store: opts.progress }) : null;
    await progress?.start();
    try {
      if (!prompt) throw new ClaudeError("rejected", `Unknown deliverable type “${row.deliverableType}”.`);
      const result = await claude.generate({
        model: deps.model,
        system: prompt.system,
        template: prompt.template,
        user: prompt.user,
        maxTokens: prompt.maxTokens,
        signal: opts.signal,
        ...(progress ? { onText: (t: string) => progress.onText(t) } : {}),
      });
      // Postgres TEXT cannot hold NUL.
      const text = result.text.replace(/\u0000/g, "");
      const model = clip(result.model, 50);
      const u = result.usage;
      const done = await transition(
        id,
        "GENERATING",
        "COMPLETED",
        actor,
        { generatedContent: text, aiModel: model, errorMessage: null },
        {
          changes: model !== row.aiModel ? { ai_model: { from: row.aiModel, to: model } } : {},
          notes: `${text.length} characters; tokens in ${u.inputTokens}, out ${u.outputTokens}, cache write ${u.cacheCreationInputTokens}, cache read ${u.cacheReadInputTokens}`,
        },
      );
      if (!done) {
        log.warn({ id }, "deliverable was closed while Claude wrote it; result dropped");
        return null;
      }
      await progress?.finish({ kind: "done", summary: progressSummary(text) });
      await deliver({ id, deliverableType: row.deliverableType, brandName: row.creator.brandName }, { ...result, text, model }, actor, requester);
      return "COMPLETED";
    } catch (e) {
      if (opts.signal?.aborted) {
        // Stopping: back to PENDING, for whichever replica takes the job next. (A lost claim
        // changes nothing: the record is the new holder's now.)
        if (opts.signal.reason === JOB_STOPPING) {
          await transition(
            id,
            "GENERATING",
            "PENDING",
            actor,
            {},
            { notes: "handed back: the bot stopped while Claude was writing; another replica restarts it" },
          );
        }
        throw e;
      }
      let reason: string;
      if (e instanceof ClaudeError) {
        reason = e.safeMessage;
      } else {
        const ref = randomBytes(4).toString("hex");
        log.error({ err: e, id, ref }, "deliverable generation failed");
        reason = `Something went wrong on our side (ref ${ref}).`;
      }
      // If even this cannot be written, the error reaches the job, which retries (resuming).
      const failed = await transition(id, "GENERATING", "FAILED", actor, { errorMessage: reason }, { notes: reason });
      if (failed) {
        await progress?.finish({ kind: "failed" });
        await dm(requester, failedMessage({ ...about, reason }), "failure");
      }
      return failed ? "FAILED" : null;
    }
  }

  /** Closes an open record as FAILED (no process or job can finish it) and tells its requester. */
  async function close(
    r: { id: string; status: string; deliverableType: string; brandName: string; requester: string | null },
    reason: string,
    notes: string,
    actor: Actor,
  ): Promise<boolean> {
    if (r.status !== "PENDING" && r.status !== "GENERATING") return false;
    const ok = await transition(r.id, r.status, "FAILED", actor, { errorMessage: reason }, { notes });
    if (ok) await dm(r.requester, failedMessage({ id: r.id, label: labelOf(r.deliverableType), brandName: r.brandName, reason }), "interrupted");
    return ok;
  }

  return {
    configured: claude !== null,

    request,

    /** Regenerate: a NEW record for the same creator and type; the earlier one stays as it was. */
    async regenerate(deliverableId: string, actor: Actor): Promise<Requested> {
      const prior = await db.aiDeliverable.findUnique({ where: { id: deliverableId }, select: { creatorId: true, deliverableType: true } });
      if (!prior) throw notFound("That deliverable no longer exists.");
      const type = parseDeliverableType(prior.deliverableType);
      if (!type) throw new AppError(ErrorCode.Invalid, { userMessage: "That deliverable's type can't be generated from Slack." });
      return request({ creatorId: prior.creatorId, type, regeneratedFrom: deliverableId }, actor);
    },

    run,

    /** After the record's job gave up (dead letter): FAILED, the requester told. */
    async giveUp(id: string, actor: Actor = SYSTEM_ACTOR): Promise<boolean> {
      const r = await db.aiDeliverable.findUnique({
        where: { id },
        select: {
          id: true,
          status: true,
          deliverableType: true,
          creator: { select: { brandName: true } },
          createdBy: { select: { slackUser: { select: { slackUserId: true } } } },
        },
      });
      if (!r) return false;
      const reason = "Something went wrong on our side, several times; it was not finished.";
      return close(
        { ...r, brandName: r.creator.brandName, requester: r.createdBy?.slackUser?.slackUserId ?? null },
        reason,
        "its job gave up after repeated failures",
        actor,
      );
    },

    async creatorBrand(creatorId: string): Promise<string | null> {
      const c = await db.creator.findUnique({ where: { id: creatorId }, select: { brandName: true } });
      return c?.brandName ?? null;
    },

    /**
     * Fails records nothing will finish: PENDING/GENERATING past the stale age with no open job
     * (left by a version that generated in-process, or a job that was lost). Records with a job
     * are that job's to finish. Runs at start-up and on a schedule; each row moves by one
     * conditional write, so replicas sweeping at once fail each record once.
     */
    async recoverStale(actor: Actor = SYSTEM_ACTOR): Promise<number> {
      const cutoff = new Date(deps.clock.now().getTime() - staleAfterMs);
      const rows = await db.$queryRaw<{ id: string; status: string; deliverableType: string; brandName: string; requester: string | null }[]>`
        SELECT d.id::text AS id, d.status, d.deliverable_type AS "deliverableType", k.brand_name AS "brandName", s.slack_user_id AS requester
          FROM studio_crm_aideliverable d
          JOIN studio_crm_creator k ON k.id = d.creator_id
          LEFT JOIN wl_slack_user s ON s.user_id = d.created_by_id
         WHERE d.status IN ('PENDING', 'GENERATING') AND d.created_at < ${cutoff}
           AND NOT EXISTS (SELECT 1 FROM wl_job j WHERE j.kind = ${GENERATE_JOB} AND j.dedupe_key = d.id::text AND j.status IN ('queued', 'running'))
         ORDER BY d.created_at ASC LIMIT 500`;
      let failed = 0;
      for (const r of rows) if (await close(r, INTERRUPTED_MESSAGE, "stale: no process was working on it", actor)) failed++;
      if (rows.length > 0) log.info({ found: rows.length, failed }, "stale deliverables closed");
      return failed;
    },

    limits: { staleAfterMs, maxOpen, messageMaxChars: DELIVERY.messageMaxChars },
  };
}
