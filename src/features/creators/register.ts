import { auditingRefusals } from "../../slack/refusal-audit.js";
import type { ModalView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { ActionCtx, CommandCtx, Router, ViewCtx } from "../../slack/router.js";
import { todayOf, type FeatureDeps } from "../types.js";
import { clip, nameToUuid } from "../../audit/audit-fns.js";
import { invalid, isAppError } from "../../errors.js";
import { hasRole } from "../../identity/roles.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import { esc } from "../../slack/mrkdwn.js";
import { creatorOrReply } from "./creator-resolve.js";
import { splitLastWord, type CreatorRef } from "./creator-lookup.js";
import { createCreatorService } from "./creator-service.js";
import {
  cleanSearchText, codePoints, columnValuesOf, decodeListPage, displayOf, EDIT_COLUMNS, FIND_TEXT_MAX, JOURNEY_STATUSES,
  LIST_USAGE, parseJourneyStatus, parseListArgs, stripUnstorable, touchedColumns, type ListFilters,
} from "./creator-fns.js";
import { parseCreatorEdit, parseNewCreator, parseStatusForm, readFormValues } from "./creator-schemas.js";
import { archivePrompt, creatorCard, findResults, listPage } from "./creator-blocks.js";
import { editCreatorModal, newCreatorModal, statusModal } from "./creator-modals.js";
import { loadingModal, messageModal } from "../../slack/modals.js";

const STATUS_USAGE = "status <creator> <JOURNEY_STATUS>";
const STATUS_LIST = JOURNEY_STATUSES.join(", ");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Audit text from user input: no NUL (Postgres refuses it), no controls, within the column. */
const auditText = (s: string, max = 200) => clip(stripUnstorable(s).replace(/[\u0000-\u001f\u007f]/g, " "), max);

type Ctx = { actor: CommandCtx["actor"] };

export function register(router: Router, deps: FeatureDeps): void {
  const { db, logger } = deps;
  const today = () => todayOf(deps);
  const svc = createCreatorService({ db, health: deps.health, now: () => deps.clock.now(), today });

  const commandTarget = (name: string, args = "") => ({
    targetModel: "SlackCommand",
    targetId: nameToUuid(`command:${name}`),
    targetDisplay: auditText(`/wl ${name}${args ? ` ${args}` : ""}`),
  });
  const creatorTarget = (c: { id: string; brandName: string; creatorName: string }) => ({
    targetModel: "Creator",
    targetId: c.id,
    targetDisplay: displayOf(c),
  });

  /** A refusal we raise (bad input, gone creator) is audited against the creator it concerns. */
  function withRefusalAudit<C extends Ctx>(label: (ctx: C) => { targetModel: string; targetId: string; targetDisplay: string }, fn: (ctx: C) => Promise<void>) {
    return auditingRefusals<C>((ctx, notes) => svc.recordView(ctx.actor, { ...label(ctx), notes }), logger, fn);
  }

  /** Resolves `<creator>`; when it names none or several, answers (and audits) that instead. */
  async function resolve(ctx: CommandCtx, name: string, ref: string, usage: string): Promise<CreatorRef | null> {
    const c = await creatorOrReply(db, ref, ctx.reply, usage);
    if (!c) await svc.recordView(ctx.actor, { ...commandTarget(name, ref), notes: "no single creator matched" });
    return c;
  }

  async function sendCard(ctx: Ctx & { reply: CommandCtx["reply"] }, id: string, notice?: string): Promise<void> {
    const card = await svc.card(id);
    if (!card) throw invalid("That creator no longer exists.");
    await ctx.reply(creatorCard(card, { today: today(), isAdmin: hasRole(ctx.actor.role, "admin"), notice }));
  }

  /** trigger_id lives 3 s: the modal opens at once with a loading view and is filled when the data is in. */
  async function openLoaded(client: WebClient, triggerId: string, title: string, load: () => Promise<ModalView>): Promise<void> {
    const [opened, loaded] = await Promise.all([
      client.views.open({ trigger_id: triggerId, view: loadingModal(title) }),
      load().then((view) => ({ view }), (error: unknown) => ({ error })),
    ]);
    const viewId = opened.view?.id;
    if (!viewId) return;
    if ("view" in loaded) {
      await client.views.update({ view_id: viewId, view: loaded.view });
      return;
    }
    const msg = isAppError(loaded.error) ? loaded.error.userMessage : "Something went wrong loading this. Please try again.";
    await client.views.update({ view_id: viewId, view: messageModal(title, msg) });
    throw loaded.error;
  }

  async function showList(ctx: Ctx & { reply: CommandCtx["reply"] }, filters: ListFilters, page: number, replace: boolean) {
    const l = await svc.list(filters, page);
    await Promise.all([
      ctx.reply({ ...listPage(l, filters, today()), ...(replace ? { replace_original: true } : {}) }),
      svc.recordView(ctx.actor, { ...commandTarget("list", [filters.status, filters.health, filters.tag && `tag:${filters.tag}`].filter(Boolean).join(" ")), notes: `page ${l.page + 1} of ${l.pages}; ${l.total} creators` }),
    ]);
  }

  const idOf = (ctx: ActionCtx): string => {
    const v = ctx.action.value ?? "";
    if (!UUID.test(v)) throw invalid("That button is out of date. Run the command again.");
    return v.toLowerCase();
  };
  const buttonTarget = (name: string) => (ctx: ActionCtx) => ({
    targetModel: "Creator",
    targetId: UUID.test(ctx.action.value ?? "") ? ctx.action.value!.toLowerCase() : nameToUuid(`button:${name}`),
    targetDisplay: `button ${name}`,
  });

  // ---- commands ----
  router.command({
    name: "new",
    usage: "new",
    description: "add a creator (opens a form)",
    minRole: "staff",
    handler: async (ctx) => {
      await ctx.client.views.open({ trigger_id: ctx.triggerId, view: newCreatorModal() });
      await svc.recordView(ctx.actor, { ...commandTarget("new"), notes: "opened the New creator form" });
    },
  });

  router.command({
    name: "find",
    usage: "find <text>",
    description: "creators whose brand, name, email or handle contains the text",
    minRole: "staff",
    handler: withRefusalAudit((ctx: CommandCtx) => commandTarget("find", ctx.args), async (ctx) => {
      const text = cleanSearchText(ctx.args);
      if (!text) throw invalid("Usage: `/wl find <text>`, e.g. `/wl find glow`.");
      if (codePoints(text) > FIND_TEXT_MAX) throw invalid(`Search for at most ${FIND_TEXT_MAX} characters.`);
      const r = await svc.find(text);
      await Promise.all([ctx.reply(findResults(text, r)), svc.recordView(ctx.actor, { ...commandTarget("find", text), notes: `${r.total} matched` })]);
    }),
  });

  router.command({
    name: "list",
    usage: LIST_USAGE,
    description: "active creators, most urgent first",
    minRole: "staff",
    handler: withRefusalAudit((ctx: CommandCtx) => commandTarget("list", ctx.args), async (ctx) => {
      const parsed = parseListArgs(ctx.args);
      if (!parsed.ok) {
        throw invalid(`${esc(parsed.error)} Usage: \`/wl ${LIST_USAGE}\`. Statuses: ${STATUS_LIST}. Health: RED, YELLOW, GREEN.`);
      }
      await showList(ctx, parsed.filters, 0, false);
    }),
  });

  router.command({
    name: "show",
    usage: "show <creator>",
    description: "the creator card",
    minRole: "staff",
    handler: withRefusalAudit((ctx: CommandCtx) => commandTarget("show", ctx.args), async (ctx) => {
      const c = await resolve(ctx, "show", ctx.args, "show <creator>");
      if (!c) return;
      await Promise.all([sendCard(ctx, c.id), svc.recordView(ctx.actor, { ...creatorTarget(c), notes: "card shown" })]);
    }),
  });

  router.command({
    name: "edit",
    usage: "edit <creator>",
    description: "edit a creator (opens a form)",
    minRole: "staff",
    handler: withRefusalAudit((ctx: CommandCtx) => commandTarget("edit", ctx.args), async (ctx) => {
      const c = await resolve(ctx, "edit", ctx.args, "edit <creator>");
      if (!c) return;
      await openEdit(ctx.client, ctx.triggerId, c.id);
      await svc.recordView(ctx.actor, { ...creatorTarget(c), notes: "opened the Edit creator form" });
    }),
  });

  router.command({
    name: "status",
    usage: STATUS_USAGE,
    description: "change a creator's journey status",
    minRole: "staff",
    handler: withRefusalAudit((ctx: CommandCtx) => commandTarget("status", ctx.args), async (ctx) => {
      const split = splitLastWord(ctx.args);
      if (!split) throw invalid(`Usage: \`/wl ${STATUS_USAGE}\`. Statuses: ${STATUS_LIST}.`);
      const to = parseJourneyStatus(split.last);
      if (!to) throw invalid(`\`${esc(clip(split.last, 40))}\` is not a journey status. Use one of: ${STATUS_LIST}.`);
      const c = await resolve(ctx, "status", split.head, STATUS_USAGE);
      if (!c) return;
      if (to === "CLOSED" && c.journeyStatus !== "CLOSED") {
        // Closing needs a why on record: ask in a modal rather than close without one.
        await ctx.client.views.open({ trigger_id: ctx.triggerId, view: statusModal(c, "CLOSED") });
        await svc.recordView(ctx.actor, { ...creatorTarget(c), notes: "asked for a note before closing" });
        return;
      }
      const r = await svc.changeStatus(c.id, to, null, ctx.actor);
      await sendCard(ctx, c.id, r.changed ? `Status changed: *${r.from}* → *${r.to}*` : `Already *${r.to}*; nothing changed.`);
    }),
  });

  router.command({
    name: "archive",
    usage: "archive <creator>",
    description: "archive a creator (asks to confirm)",
    minRole: "staff",
    handler: withRefusalAudit((ctx: CommandCtx) => commandTarget("archive", ctx.args), async (ctx) => {
      const c = await resolve(ctx, "archive", ctx.args, "archive <creator>");
      if (!c) return;
      if (!c.isActive) {
        await Promise.all([ctx.reply(`*${esc(c.brandName)}* is already archived.`), svc.recordView(ctx.actor, { ...creatorTarget(c), notes: "archive asked; already archived" })]);
        return;
      }
      await Promise.all([ctx.reply(archivePrompt(c)), svc.recordView(ctx.actor, { ...creatorTarget(c), notes: "asked to confirm archive" })]);
    }),
  });

  async function openEdit(client: WebClient, triggerId: string, id: string) {
    await openLoaded(client, triggerId, "Edit creator", async () => {
      const row = await svc.get(id);
      if (!row) throw invalid("That creator no longer exists.");
      return editCreatorModal(id, columnValuesOf(row));
    });
  }

  // ---- buttons ----
  router.action(ACTIONS.creatorOpen, "staff", withRefusalAudit(buttonTarget("creator_open"), async (ctx: ActionCtx) => {
    const id = idOf(ctx);
    const card = await svc.card(id);
    if (!card) throw invalid("That creator no longer exists.");
    await Promise.all([
      ctx.reply(creatorCard(card, { today: today(), isAdmin: hasRole(ctx.actor.role, "admin") })),
      svc.recordView(ctx.actor, { ...creatorTarget(card.creator), notes: "card shown" }),
    ]);
  }));

  router.action(ACTIONS.creatorEdit, "staff", withRefusalAudit(buttonTarget("creator_edit"), async (ctx: ActionCtx) => {
    const id = idOf(ctx);
    await openEdit(ctx.client, ctx.triggerId, id);
    await svc.recordView(ctx.actor, { ...buttonTarget("creator_edit")(ctx), notes: "opened the Edit creator form" });
  }));

  router.action(ACTIONS.creatorStatus, "staff", withRefusalAudit(buttonTarget("creator_status"), async (ctx: ActionCtx) => {
    const id = idOf(ctx);
    await openLoaded(ctx.client, ctx.triggerId, "Change status", async () => {
      const c = await svc.get(id);
      if (!c) throw invalid("That creator no longer exists.");
      return statusModal(c, c.journeyStatus);
    });
    await svc.recordView(ctx.actor, { ...buttonTarget("creator_status")(ctx), notes: "opened the status form" });
  }));

  router.action(ACTIONS.creatorArchive, "staff", withRefusalAudit(buttonTarget("creator_archive"), async (ctx: ActionCtx) => {
    const r = await svc.archive(idOf(ctx), ctx.actor);
    await ctx.reply(r.archived ? `Archived *${esc(r.display)}*. They no longer appear in lists, the Home tab or digests.` : `*${esc(r.display)}* was already archived.`);
  }));

  router.action(ACTIONS.creatorDelete, "admin", withRefusalAudit(buttonTarget("creator_delete"), async (ctx: ActionCtx) => {
    const r = await svc.remove(idOf(ctx), ctx.actor);
    await ctx.reply({
      text: `Deleted *${esc(r.display)}* with ${r.credentials} credential(s), ${r.milestones} milestone(s) and ${r.deliverables} deliverable(s). The audit log keeps a record.`,
      replace_original: true,
    });
  }));

  router.action(ACTIONS.listPage, "staff", withRefusalAudit(() => commandTarget("list"), async (ctx: ActionCtx) => {
    const state = decodeListPage(ctx.action.value);
    if (!state) throw invalid("That list is out of date. Run `/wl list` again.");
    await showList(ctx, state, state.page, true);
  }));

  // ---- forms ----
  router.view(VIEWS.creatorNew, "staff", withRefusalAudit(() => ({ targetModel: "SlackForm", targetId: nameToUuid("form:creator_new"), targetDisplay: "New creator form" }), async (ctx: ViewCtx) => {
    const parsed = parseNewCreator(readFormValues(ctx.view.state.values));
    if (!parsed.ok) throw invalid("Some fields need fixing.", parsed.errors);
    const created = await svc.create(parsed.data, ctx.actor);
    await ctx.ack();
    await sendCard(ctx, created.id, `Created *${esc(created.brandName)}*.`);
  }));

  router.view(VIEWS.creatorEdit, "staff", withRefusalAudit((ctx: ViewCtx) => formTarget(ctx, "Edit creator form"), async (ctx: ViewCtx) => {
    const id = metaId(ctx);
    const raw = readFormValues(ctx.view.state.values);
    const shown = ctx.meta.shown && typeof ctx.meta.shown === "object" ? (ctx.meta.shown as Record<string, unknown>) : {};
    const parsed = parseCreatorEdit(raw, touchedColumns(raw, shown, EDIT_COLUMNS));
    if (!parsed.ok) throw invalid("Some fields need fixing.", parsed.errors);
    const r = await svc.update(id, parsed.data, ctx.actor);
    await ctx.ack();
    if (r.changed.length > 0) await sendCard(ctx, id, `Saved: ${r.changed.join(", ")}.`);
  }));

  router.view(VIEWS.creatorStatus, "staff", withRefusalAudit((ctx: ViewCtx) => formTarget(ctx, "Status form"), async (ctx: ViewCtx) => {
    const id = metaId(ctx);
    const parsed = parseStatusForm(readFormValues(ctx.view.state.values, ["journey_status", "notes"]));
    if (!parsed.ok) throw invalid("Some fields need fixing.", parsed.errors);
    const r = await svc.changeStatus(id, parsed.data.journey_status, parsed.data.notes, ctx.actor);
    await ctx.ack();
    await sendCard(ctx, id, r.changed ? `Status changed: *${r.from}* → *${r.to}*` : `Already *${r.to}*; nothing changed.`);
  }));

  function metaId(ctx: ViewCtx): string {
    const id = typeof ctx.meta.id === "string" ? ctx.meta.id : "";
    if (!UUID.test(id)) throw invalid("This form is out of date. Open it again.");
    return id.toLowerCase();
  }
  function formTarget(ctx: ViewCtx, display: string) {
    const id = typeof ctx.meta.id === "string" && UUID.test(ctx.meta.id) ? ctx.meta.id.toLowerCase() : nameToUuid(`form:${display}`);
    return { targetModel: "Creator", targetId: id, targetDisplay: display };
  }
}
