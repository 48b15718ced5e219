import { auditingRefusals } from "../../slack/refusal-audit.js";
import type { ModalView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { ActionCtx, CommandCtx, ReplyMessage, Router, ViewCtx } from "../../slack/router.js";
import { todayOf, type FeatureDeps, type Schedule } from "../types.js";
import type { Actor } from "../../identity/actor.js";
import { clip, nameToUuid } from "../../audit/audit-fns.js";
import { invalid, isAppError } from "../../errors.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import { esc } from "../../slack/mrkdwn.js";
import { creatorOrReply } from "../creators/creator-resolve.js";
import { createMilestoneService, type MilestoneList } from "./milestone-service.js";
import { modalMetaSchema, parseMilestoneForm, type ModalMeta } from "./milestone-schemas.js";
import { changeNotice, LIST_BLOCK_PREFIX, milestoneModal, milestonesMessage } from "./milestone-blocks.js";
import { loadingModal, messageModal } from "../../slack/modals.js";
import { postToResponseUrl } from "../../slack/response-url.js";
import { runNightlyHealth } from "./health-job.js";

const USAGE = "milestones <creator>";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Target = { targetModel: string; targetId: string; targetDisplay: string };
const auditText = (s: string) => clip(s.replace(/[\u0000-\u001f\u007f]/g, " "), 200);
const creatorTarget = (c: { id: string; brandName: string; creatorName: string }): Target => ({
  targetModel: "Creator",
  targetId: c.id,
  targetDisplay: `${c.brandName} (${c.creatorName})`,
});

export function register(router: Router, deps: FeatureDeps): void {
  const { db, logger } = deps;
  const today = () => todayOf(deps);
  const svc = createMilestoneService({ db, health: deps.health, today });

  /** Refusals we raise (bad input, done or gone milestone) are audited against their target. */
  function refusalsAudited<C extends { actor: Actor }>(target: (ctx: C) => Target, fn: (ctx: C) => Promise<void>) {
    return auditingRefusals<C>((ctx, notes) => svc.recordView(ctx.actor, target(ctx), notes), logger, fn);
  }

  const valueId = (ctx: ActionCtx): string => {
    const v = ctx.action.value ?? "";
    if (!UUID.test(v)) throw invalid("That button is out of date. Run `/wl milestones <creator>` again.");
    return v.toLowerCase();
  };
  const buttonTarget = (model: "Creator" | "Milestone") => (ctx: ActionCtx): Target => ({
    targetModel: model,
    targetId: UUID.test(ctx.action.value ?? "") ? ctx.action.value!.toLowerCase() : nameToUuid(`button:${ctx.action.action_id}`),
    targetDisplay: `button ${ctx.action.action_id}`,
  });
  /** The click came from the milestones list itself (not the card, the Home tab or a digest). */
  const fromList = (ctx: ActionCtx) => Boolean(ctx.body.actions?.[0]?.block_id?.startsWith(LIST_BLOCK_PREFIX));
  const inMessage = (ctx: ActionCtx) => ctx.body.container?.type === "message" && Boolean(ctx.body.response_url);

  async function renderList(creatorId: string, notice?: string): Promise<{ list: MilestoneList; message: ReplyMessage }> {
    const list = await svc.list(creatorId);
    return { list, message: milestonesMessage(list, today(), notice) };
  }

  async function showList(ctx: { actor: Actor; reply: CommandCtx["reply"] }, creatorId: string): Promise<void> {
    const { list, message } = await renderList(creatorId);
    await Promise.all([
      ctx.reply(message),
      svc.recordView(ctx.actor, creatorTarget(list.creator), `milestones listed (${list.milestones.length})`),
    ]);
  }

  /**
   * After a change made by a button: the list it came from is redrawn in place; a click
   * elsewhere in a message (the card) gets the list as a new message; elsewhere, a short note.
   */
  async function answerChange(ctx: ActionCtx, creatorId: string, notice: string): Promise<void> {
    if (!inMessage(ctx)) {
      await ctx.reply(notice);
      return;
    }
    // Committed already: a failure to redraw must not read as "nothing was saved".
    await renderList(creatorId, notice)
      .then(({ message }) => ctx.reply(fromList(ctx) ? { ...message, replace_original: true } : message))
      .catch(async (e: unknown) => {
        logger.warn({ err: e }, "could not redraw the milestones list");
        await ctx.reply(notice);
      });
  }

  /** After a modal's change: the same, through the response_url the opening click carried. */
  async function answerSubmit(ctx: ViewCtx, meta: ModalMeta, creatorId: string, notice: string): Promise<void> {
    if (!meta.responseUrl) {
      await ctx.reply(notice);
      return;
    }
    const url = meta.responseUrl;
    await renderList(creatorId, notice)
      .then(({ message }) => postToResponseUrl(url, { response_type: "ephemeral", replace_original: Boolean(meta.fromList), ...message }))
      .catch(async (e: unknown) => {
        // response_url lasts 30 minutes; a form left open longer answers by DM instead.
        logger.warn({ err: (e as Error).message }, "could not refresh the milestones list after a form");
        await ctx.reply(notice).catch(() => undefined);
      });
  }

  /** trigger_id lives 3 s: the modal opens at once with a loading view and is filled when the data is in. */
  async function openLoaded(client: WebClient, triggerId: string, title: string, load: () => Promise<ModalView>): Promise<unknown> {
    const [opened, loaded] = await Promise.all([
      client.views.open({ trigger_id: triggerId, view: loadingModal(title) }),
      load().then((view) => ({ view }), (error: unknown) => ({ error })),
    ]);
    const viewId = opened.view?.id;
    if ("view" in loaded) {
      if (viewId) await client.views.update({ view_id: viewId, view: loaded.view });
      return null;
    }
    const msg = isAppError(loaded.error) ? loaded.error.userMessage : "Something went wrong loading this. Please try again.";
    if (viewId) await client.views.update({ view_id: viewId, view: messageModal(title, msg) });
    return loaded.error;
  }

  const metaOf = (ctx: ActionCtx, m: { creatorId: string; milestoneId?: string }): ModalMeta => ({
    ...m,
    ...(inMessage(ctx) ? { responseUrl: ctx.body.response_url, fromList: fromList(ctx) } : {}),
  });

  // ---- the command and the list ----
  router.command({
    name: "milestones",
    usage: USAGE,
    description: "a creator's milestones: mark done, add, edit, delete",
    minRole: "staff",
    handler: refusalsAudited(
      (ctx: CommandCtx) => ({ targetModel: "SlackCommand", targetId: nameToUuid("command:milestones"), targetDisplay: auditText(`/wl milestones ${ctx.args}`) }),
      async (ctx) => {
        const c = await creatorOrReply(db, ctx.args, ctx.reply, USAGE);
        if (!c) {
          await svc.recordView(ctx.actor, { targetModel: "SlackCommand", targetId: nameToUuid("command:milestones"), targetDisplay: auditText(`/wl milestones ${ctx.args}`) }, "no single creator matched");
          return;
        }
        await showList(ctx, c.id);
      },
    ),
  });

  // The card's `Milestones` button.
  router.action(ACTIONS.creatorMilestones, "staff", refusalsAudited(buttonTarget("Creator"), async (ctx) => showList(ctx, valueId(ctx))));

  // ---- changes from the list ----
  router.action(
    ACTIONS.milestoneDone,
    "staff",
    refusalsAudited(buttonTarget("Milestone"), async (ctx) => {
      const r = await svc.markDone(valueId(ctx), ctx.actor);
      await answerChange(ctx, r.creatorId, changeNotice(`:white_check_mark: Marked “${esc(r.title)}” done (${r.completedDate}).`, r.health));
    }),
  );

  router.action(
    ACTIONS.milestoneDelete,
    "staff",
    refusalsAudited(buttonTarget("Milestone"), async (ctx) => {
      const r = await svc.remove(valueId(ctx), ctx.actor);
      await answerChange(ctx, r.creatorId, changeNotice(`:wastebasket: Deleted “${esc(r.title)}”.`, r.health));
    }),
  );

  // ---- the modal ----
  router.action(
    ACTIONS.milestoneAdd,
    "staff",
    refusalsAudited(buttonTarget("Creator"), async (ctx) => {
      const creatorId = valueId(ctx);
      const err = await openLoaded(ctx.client, ctx.triggerId, "Add milestone", async () =>
        milestoneModal({ mode: "add", creator: await svc.creatorForForm(creatorId), meta: metaOf(ctx, { creatorId }) }),
      );
      if (err) throw err;
      await svc.recordView(ctx.actor, buttonTarget("Creator")(ctx), "opened the Add milestone form");
    }),
  );

  router.action(
    ACTIONS.milestoneEdit,
    "staff",
    refusalsAudited(buttonTarget("Milestone"), async (ctx) => {
      const milestoneId = valueId(ctx);
      const err = await openLoaded(ctx.client, ctx.triggerId, "Edit milestone", async () => {
        const f = await svc.milestoneForForm(milestoneId);
        return milestoneModal({ mode: "edit", creator: f.creator, milestone: f.milestone, meta: metaOf(ctx, { creatorId: f.creatorId, milestoneId }) });
      });
      if (err) throw err;
      await svc.recordView(ctx.actor, buttonTarget("Milestone")(ctx), "opened the Edit milestone form");
    }),
  );

  const viewTarget = (model: "Creator" | "Milestone") => (ctx: ViewCtx): Target => {
    const m = modalMetaSchema.safeParse(ctx.meta);
    const id = m.success ? (model === "Milestone" ? m.data.milestoneId : m.data.creatorId) : undefined;
    return { targetModel: model, targetId: id ?? nameToUuid(`form:${ctx.view.callback_id}`), targetDisplay: `form ${ctx.view.callback_id}` };
  };
  const metaFrom = (ctx: ViewCtx, needMilestone: boolean): ModalMeta => {
    const m = modalMetaSchema.safeParse(ctx.meta);
    if (!m.success || (needMilestone && !m.data.milestoneId)) throw invalid("This form is out of date. Close it and open it again.");
    return m.data;
  };
  const formOf = (ctx: ViewCtx) => {
    const parsed = parseMilestoneForm(ctx.view.state.values);
    if (!parsed.ok) throw invalid("Please fix the highlighted fields.", parsed.errors);
    return parsed.value;
  };

  router.view(
    VIEWS.milestoneAdd,
    "staff",
    refusalsAudited(viewTarget("Creator"), async (ctx) => {
      const meta = metaFrom(ctx, false);
      const r = await svc.add(meta.creatorId, formOf(ctx), ctx.actor);
      await ctx.ack();
      await answerSubmit(ctx, meta, r.creatorId, changeNotice(`:heavy_plus_sign: Added “${esc(r.title)}”.`, r.health));
    }),
  );

  router.view(
    VIEWS.milestoneEdit,
    "staff",
    refusalsAudited(viewTarget("Milestone"), async (ctx) => {
      const meta = metaFrom(ctx, true);
      const r = await svc.edit(meta.milestoneId!, formOf(ctx), ctx.actor);
      await ctx.ack();
      const what = r.changedFields.length ? `:pencil2: Saved “${esc(r.title)}” (${r.changedFields.join(", ")}).` : `Nothing changed in “${esc(r.title)}”.`;
      await answerSubmit(ctx, meta, r.creatorId, changeNotice(what, r.health));
    }),
  );
}

/** The nightly recompute, for the passage of time (scores move as days pass with no edit). */
export function schedules(deps: FeatureDeps): Schedule[] {
  return [
    {
      name: "health-nightly",
      cron: "5 0 * * *",
      tz: deps.config.digest.tz,
      run: async (firedAt) => {
        await runNightlyHealth(deps, firedAt);
      },
    },
  ];
}

