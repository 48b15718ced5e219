import { z } from "zod";
import type { Router } from "../../slack/router.js";
import type { FeatureDeps, Schedule } from "../types.js";
import { ACTIONS, VIEWS } from "../../slack/ids.js";
import { invalid } from "../../errors.js";
import { creatorOrReply } from "../creators/creator-resolve.js";
import { createClaudeClient } from "./claude-client.js";
import { createDeliverableService, type DeliverableService } from "./deliverable-service.js";
import { deliverableJob } from "./deliverable-job.js";
import type { JobHandler } from "../../jobs/job-types.js";
import { DELIVERABLE_USAGE, parseDeliverableArgs, parseDeliverableType } from "./deliverable-fns.js";
import { creatorGoneModal, NOT_CONFIGURED, pickModal, usageText, workingOn } from "./deliverable-blocks.js";

const uuid = z.uuid();

// register(), schedules(), jobs() and onStart() share one service per deps.
const services = new WeakMap<FeatureDeps, DeliverableService>();

export function serviceFor(deps: FeatureDeps): DeliverableService {
  let s = services.get(deps);
  if (!s) {
    const { config, logger } = deps;
    s = createDeliverableService({
      db: deps.db,
      health: deps.health,
      slack: deps.client,
      claude: config.anthropic.apiKey
        ? createClaudeClient({ apiKey: config.anthropic.apiKey, baseUrl: config.anthropic.baseUrl, logger })
        : null,
      model: config.anthropic.model,
      tz: config.digest.tz,
      logger,
      clock: deps.clock,
      jobs: deps.jobs,
    });
    services.set(deps, s);
  }
  return s;
}

export function register(router: Router, deps: FeatureDeps): void {
  const service = serviceFor(deps);

  router.command({
    name: "deliverable",
    usage: DELIVERABLE_USAGE,
    description: "an AI-written brand report, guidelines, launch plan or content calendar, sent to you by DM",
    minRole: "staff",
    handler: async (ctx) => {
      if (!service.configured) {
        await ctx.reply(NOT_CONFIGURED);
        return;
      }
      const parsed = parseDeliverableArgs(ctx.args);
      if ("error" in parsed) throw invalid(usageText(parsed.got));
      const creator = await creatorOrReply(deps.db, parsed.creatorRef, ctx.reply, DELIVERABLE_USAGE);
      if (!creator) return;
      const req = await service.request({ creatorId: creator.id, type: parsed.type }, ctx.actor);
      await ctx.reply(workingOn(req)).catch(lostAnswer(deps));
    },
  });

  // The card's `Deliverable` button: a small modal to pick the type.
  router.action(ACTIONS.creatorDeliverable, "staff", async (ctx) => {
    if (!service.configured) {
      await ctx.reply(NOT_CONFIGURED);
      return;
    }
    const creatorId = uuid.safeParse(ctx.action.value);
    if (!creatorId.success) throw invalid("That button is out of date; open the creator again.");
    // trigger_id lives 3 s: open first, then name the creator.
    const opened = await ctx.client.views.open({ trigger_id: ctx.triggerId, view: pickModal({ creatorId: creatorId.data, brandName: null }) });
    const brandName = await service.creatorBrand(creatorId.data);
    if (opened.view?.id) {
      await ctx.client.views.update({
        view_id: opened.view.id,
        ...(opened.view.hash ? { hash: opened.view.hash } : {}),
        view: brandName ? pickModal({ creatorId: creatorId.data, brandName }) : creatorGoneModal(),
      });
    }
  });

  router.view(VIEWS.deliverablePick, "staff", async (ctx) => {
    if (!service.configured) throw invalid(NOT_CONFIGURED, { deliverable_type: NOT_CONFIGURED.slice(0, 150) });
    const picked = ctx.view.state.values.deliverable_type?.deliverable_type?.selected_option?.value;
    const type = picked ? parseDeliverableType(picked) : null;
    if (!type) throw invalid("Choose a deliverable type.", { deliverable_type: "Choose a deliverable type." });
    const creatorId = uuid.safeParse(ctx.meta.creatorId);
    if (!creatorId.success) throw invalid("This form is out of date; open the creator again.");
    const req = await service.request({ creatorId: creatorId.data, type }, ctx.actor);
    await ctx.ack();
    await ctx.reply(workingOn(req)).catch(lostAnswer(deps));
  });

  router.action(ACTIONS.deliverableRegenerate, "staff", async (ctx) => {
    if (!service.configured) {
      await ctx.reply(NOT_CONFIGURED);
      return;
    }
    const id = uuid.safeParse(ctx.action.value);
    if (!id.success) throw invalid("That button is out of date.");
    const req = await service.regenerate(id.data, ctx.actor);
    await ctx.reply(workingOn(req)).catch(lostAnswer(deps));
  });
}

/** The record exists and is being written: a lost "working on it" must not turn into "nothing was saved". */
function lostAnswer(deps: FeatureDeps) {
  return (e: unknown) => deps.logger.warn({ err: e }, "could not send the deliverable acknowledgement");
}

/** Records nothing will finish (no job drives them) are closed on a schedule too, not only at start-up. */
export function schedules(deps: FeatureDeps): Schedule[] {
  return [
    {
      name: "deliverables-stale-sweep",
      cron: "*/5 * * * *",
      tz: "UTC",
      run: async () => {
        await serviceFor(deps).recoverStale();
      },
    },
  ];
}

/** Generation, by whichever replica claims a record's job (enqueued with the record by `request`). */
export function jobs(deps: FeatureDeps): JobHandler[] {
  return [deliverableJob(serviceFor(deps))];
}

/** At start-up: records with no job to drive them (left by an in-process version) are closed. */
export async function onStart(deps: FeatureDeps): Promise<void> {
  await serviceFor(deps).recoverStale();
}
