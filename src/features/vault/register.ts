import type { Router, ActionCtx, CommandCtx } from "../../slack/router.js";
import type { FeatureDeps, Schedule } from "../types.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import { invalid, isAppError, notFound } from "../../errors.js";
import { hasRole } from "../../identity/roles.js";
import { nameToUuid } from "../../audit/audit-fns.js";
import { creatorOrReply } from "../creators/creator-resolve.js";
import { createVaultService, type VaultService } from "./vault-service.js";
import { createRevealService } from "./reveal-service.js";
import { createRevealNotifier } from "./reveal-notify.js";
import { createRevealOnce } from "./reveal-once.js";
import { revealDeletionJob, revealDeletions } from "./reveal-deletion.js";
import { enqueueRequestNotices, requestNoticeJob } from "./reveal-notice-job.js";
import type { JobHandler } from "../../jobs/job-types.js";
import { credentialFormSchema, idFrom, parseForm, reasonSchema } from "./vault-schemas.js";
import {
  credentialLabel,
  credentialListBlocks,
  credentialModal,
  decidedAck,
  loadingModal,
  noticeModal,
  pendingListBlocks,
  reasonModal,
  requestSentText,
} from "./vault-blocks.js";

const CREDS_USAGE = "creds <creator>";

function services(deps: FeatureDeps) {
  const vault = createVaultService({ db: deps.db, fernet: deps.fernet });
  const reveal = createRevealService({ db: deps.db, approvalTtlMinutes: deps.config.revealApprovalTtlMinutes, now: () => deps.clock.now().getTime() });
  const notify = createRevealNotifier({
    client: deps.client,
    logger: deps.logger,
    identity: deps.identity,
    reveal,
    approvalsChannel: deps.config.approvalsChannel,
    revealTtlSeconds: deps.config.revealMessageTtlSeconds,
  });
  return { vault, reveal, notify };
}

async function showList(vault: VaultService, ctx: CommandCtx | ActionCtx, creatorId: string, opts: { replace?: boolean; note?: string } = {}): Promise<void> {
  const data = await vault.list(creatorId);
  if (!data) throw notFound("That creator doesn't exist (any more).");
  await vault.auditView(ctx.actor, { model: "Creator", id: creatorId, display: `/wl creds ${data.creator.brandName}` }, `listed ${data.credentials.length} credential(s), metadata only`);
  const grants = await vault.grantsOf(ctx.actor.userId, data.credentials.map((c) => c.id));
  const msg = credentialListBlocks(data.creator, data.credentials, data.receipts, { isAdmin: hasRole(ctx.actor.role, "admin"), grants });
  if (opts.note) msg.blocks.unshift({ type: "section", text: { type: "mrkdwn", text: opts.note } });
  await ctx.reply({ ...msg, ...(opts.replace ? { replace_original: true } : {}) });
}

export function register(router: Router, deps: FeatureDeps): void {
  const { client, logger, config, fernet } = deps;
  const { vault, reveal, notify } = services(deps);
  const deletions = revealDeletions({ db: deps.db, jobs: deps.jobs, fernet, ttlSeconds: config.revealMessageTtlSeconds });
  const revealOnce = createRevealOnce({ reveal, vault, notify, deletions, fernet, logger, messageTtlSeconds: config.revealMessageTtlSeconds });

  router.command({
    name: "creds",
    usage: CREDS_USAGE,
    description: "a creator's credentials (never a secret); request a reveal",
    minRole: "staff",
    handler: async (ctx) => {
      const creator = await creatorOrReply(deps.db, ctx.args, ctx.reply, CREDS_USAGE);
      if (creator) await showList(vault, ctx, creator.id);
    },
  });

  router.command({
    name: "approvals",
    usage: "approvals",
    description: "pending credential reveal requests, to approve or deny",
    minRole: "admin",
    handler: async (ctx) => {
      const [views, total] = await Promise.all([reveal.pending(20), reveal.countPending()]);
      await vault.auditView(ctx.actor, { model: "SlackCommand", id: nameToUuid("command:approvals"), display: "/wl approvals" }, `listed ${views.length} pending reveal request(s)`);
      await ctx.reply(pendingListBlocks(views, total, ctx.actor.userId));
    },
  });

  router.action(ACTIONS.creatorCredentials, "staff", async (ctx) => showList(vault, ctx, idFrom(ctx.action.value)));

  router.action(ACTIONS.credentialAdd, "staff", async (ctx) => {
    const creatorId = idFrom(ctx.action.value);
    // trigger_id lives 3 s: open first, then fill in what needs a lookup.
    const opened = await client.views.open({ trigger_id: ctx.triggerId, view: credentialModal("add", { creatorId }) });
    const creator = await vault.creator(creatorId);
    const viewId = opened.view?.id;
    if (viewId) {
      await client.views.update({
        view_id: viewId,
        view: creator ? credentialModal("add", { creatorId }, undefined, creator.brandName) : noticeModal("Add credential", "That creator doesn't exist (any more)."),
      });
    }
    if (creator) await vault.auditView(ctx.actor, { model: "Creator", id: creatorId, display: `${creator.brandName}: add credential` }, "opened the Add credential form");
  });

  router.action(ACTIONS.credentialEdit, "admin", async (ctx) => {
    const id = idFrom(ctx.action.value);
    const opened = await client.views.open({ trigger_id: ctx.triggerId, view: loadingModal("Edit credential") });
    const cred = await vault.get(id);
    const viewId = opened.view?.id;
    if (viewId) {
      await client.views.update({
        view_id: viewId,
        view: cred ? credentialModal("edit", { credentialId: id }, cred, cred.brandName) : noticeModal("Edit credential", "That credential doesn't exist (any more)."),
      });
    }
    if (cred) await vault.auditView(ctx.actor, { model: "CreatorCredential", id, display: credentialLabel(cred) }, "opened the Edit credential form (no secrets shown)");
  });

  router.action(ACTIONS.credentialDeactivate, "admin", async (ctx) => {
    const { meta, expiredRequests } = await vault.deactivate(ctx.actor, idFrom(ctx.action.value));
    for (const id of expiredRequests) {
      const v = await reveal.view(id);
      if (v) await notify.refresh(v);
    }
    await showList(vault, ctx, meta.creatorId, { replace: true, note: `Deactivated ${credentialLabel(meta)}.` });
  });

  router.action(ACTIONS.revealRequest, "staff", async (ctx) => {
    const id = idFrom(ctx.action.value);
    const opened = await client.views.open({ trigger_id: ctx.triggerId, view: reasonModal(id) });
    const cred = await vault.get(id);
    const viewId = opened.view?.id;
    if (viewId && (!cred || !cred.isActive)) {
      await client.views.update({ view_id: viewId, view: noticeModal("Request reveal", cred ? "That credential has been deactivated." : "That credential doesn't exist (any more).") });
    } else if (viewId && cred) {
      await client.views.update({ view_id: viewId, view: reasonModal(id, cred) });
    }
    if (cred) await vault.auditView(ctx.actor, { model: "CreatorCredential", id, display: credentialLabel(cred) }, "opened the Request reveal form");
  });

  const decide = (decision: "APPROVED" | "DENIED") => async (ctx: ActionCtx) => {
    const v = await reveal.decide(ctx.actor, idFrom(ctx.action.value), decision);
    await notify.refresh(v);
    if (decision === "APPROVED") await notify.grant(v);
    else await notify.denied(v);
    // From `/wl approvals` (ephemeral) the list entry is replaced; elsewhere the prompt itself was updated.
    const fromEphemeral = Boolean((ctx.body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral);
    await ctx.reply({ text: decidedAck(v), ...(fromEphemeral ? { replace_original: true } : {}) });
  };
  router.action(ACTIONS.revealApprove, "admin", decide("APPROVED"));
  router.action(ACTIONS.revealDeny, "admin", decide("DENIED"));

  router.action(ACTIONS.revealOnce, "staff", async (ctx) => {
    const id = idFrom(ctx.action.value);
    // Without a response_url the only way to answer is a stored message; refuse before claiming.
    if (!ctx.body.response_url) throw invalid("Click `Reveal once` in the message I sent you; the secret can only be shown there.");
    // The secret replaces the clicked message and is later removed through the same URL; Slack
    // can do both only for an ephemeral message. A click on a stored one gets a fresh ephemeral offer.
    if (!(ctx.body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral) {
      await ctx.reply(notify.offer(await reveal.checkRevealable(ctx.actor, id)));
      return;
    }
    await revealOnce(ctx.actor, id, ctx.body.response_url);
  });

  router.view(VIEWS.credentialAdd, "staff", async (ctx) => {
    const creatorId = idFrom(ctx.meta.creatorId);
    const form = parseForm(credentialFormSchema, ctx.view.state.values);
    const meta = await vault.create(ctx.actor, creatorId, form);
    await ctx.ack();
    await ctx.reply(`Added credential ${credentialLabel(meta)}. Its secrets are encrypted; use \`/wl creds\` to request a reveal.`);
  });

  router.view(VIEWS.credentialEdit, "admin", async (ctx) => {
    const id = idFrom(ctx.meta.credentialId);
    const form = parseForm(credentialFormSchema, ctx.view.state.values);
    const { meta, changed } = await vault.update(ctx.actor, id, form);
    await ctx.ack();
    await ctx.reply(changed.length ? `Updated ${credentialLabel(meta)}: ${changed.join(", ")}.` : `No changes to ${credentialLabel(meta)}.`);
  });

  router.view(VIEWS.revealReason, "staff", async (ctx) => {
    const credentialId = idFrom(ctx.meta.id);
    const { reason } = parseForm(reasonSchema, ctx.view.state.values);
    let v;
    try {
      v = await reveal.request(ctx.actor, credentialId, reason);
    } catch (e) {
      if (isAppError(e)) {
        await vault.auditView(ctx.actor, { model: "CreatorCredential", id: credentialId, display: "Request reveal (refused)" }, `refused reveal request: ${e.code}: ${e.message}`).catch(() => undefined);
        throw invalid(e.userMessage, { reason: e.userMessage.slice(0, 150) });
      }
      throw e;
    }
    await ctx.ack();
    const notified = await notify.prompt(v);
    await ctx.reply(requestSentText(v, notified, config.approvalsChannel));
  });
}

/** Expires requests and unused approvals whose time has passed; their messages are updated by jobs. */
export function schedules(deps: FeatureDeps): Schedule[] {
  const { reveal } = services(deps);
  return [
    {
      name: "vault-expire-reveals",
      cron: "*/5 * * * *",
      tz: "UTC",
      async run() {
        await reveal.expireStale((tx, ids) => enqueueRequestNotices(tx, deps.jobs, ids, "EXPIRED"));
      },
    },
  ];
}

/** Reveal deletions and request notices, run by whichever replica claims them. */
export function jobs(deps: FeatureDeps): JobHandler[] {
  const { reveal, notify } = services(deps);
  return [revealDeletionJob({ fernet: deps.fernet }), requestNoticeJob({ reveal, notify })];
}
