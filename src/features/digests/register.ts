import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ActionCtx, CommandCtx, Router } from "../../slack/router.js";
import { todayOf, type FeatureDeps, type Schedule } from "../types.js";
import { writeAudit } from "../../audit/audit-service.js";
import { nameToUuid } from "../../audit/audit-fns.js";
import { AppError, ErrorCode, invalid } from "../../errors.js";
import { hasRole } from "../../identity/roles.js";
import { ACTIONS } from "../../slack/ids.js";
import { esc } from "../../slack/mrkdwn.js";
import { actedRowBlocks, renderDigest, replaceRow, rowId } from "./digest-blocks.js";
import { createDigestService } from "./digest-service.js";
import { catchUpMissedDigest, enqueueDigestPlan, postDigestNow } from "./digest-run.js";
import { digestJobs } from "./digest-jobs.js";
import type { JobHandler } from "../../jobs/job-types.js";

const USAGE = "digest [now]";
/** response_url takes at most 5 answers: up to 4 parts, then a note on what was left out. */
const PREVIEW_PARTS = 4;

export function register(router: Router, deps: FeatureDeps): void {
  const service = createDigestService(deps);

  router.command({
    name: "digest",
    usage: USAGE,
    description: "a preview of the health digest, for you; `now` (manager) posts it to the digest channel",
    minRole: "staff",
    handler: async (ctx) => {
      const arg = ctx.args.trim().toLowerCase();
      if (arg === "") return preview(ctx);
      if (arg === "now") return postNow(ctx);
      throw invalid(`Usage: \`/wl ${USAGE}\`: \`/wl digest\` previews it for you; \`/wl digest now\` (managers) posts it to the digest channel.`);
    },
  });

  router.action(ACTIONS.digestSnooze, "staff", (ctx) => onButton(ctx, "snooze"));
  router.action(ACTIONS.digestContacted, "staff", (ctx) => onButton(ctx, "contacted"));

  async function preview(ctx: CommandCtx): Promise<void> {
    await writeAudit(deps.db, ctx.actor, {
      action: "VIEW", targetModel: "SlackCommand", targetId: nameToUuid("command:digest"), targetDisplay: "/wl digest",
    });
    const { snapshot, entries } = await service.prepare(todayOf(deps), { compareWithToday: true });
    const messages = renderDigest(snapshot, entries, { kind: "preview" });
    for (const m of messages.slice(0, PREVIEW_PARTS)) await ctx.reply(m);
    const rest = messages.slice(PREVIEW_PARTS);
    if (rest.length) {
      const creators = rest.flatMap((m) => m.blocks).filter((b) => b.block_id?.startsWith(rowId(""))).length;
      await ctx.reply(`…and ${creators} more creators in ${rest.length} more parts, left out of this preview. The digest itself posts every part in a thread; managers can post it with \`/wl digest now\`.`);
    }
  }

  async function postNow(ctx: CommandCtx): Promise<void> {
    if (!hasRole(ctx.actor.role, "manager")) {
      await writeAudit(deps.db, ctx.actor, {
        action: "VIEW", targetModel: "SlackRequest", targetId: nameToUuid(`slack-user:${ctx.actor.slackUserId ?? "unknown"}`),
        targetDisplay: "/wl digest now", notes: `refused: needs manager, has ${ctx.actor.role ?? "no role"}`,
      });
      await ctx.reply(`\`/wl digest now\` needs the *manager* role; you are *${ctx.actor.role ?? "none"}*. \`/wl digest\` shows you a preview.`);
      return;
    }
    const channel = deps.config.digest.channel;
    if (!channel) {
      throw new AppError(ErrorCode.NotConfigured, {
        userMessage: "There is no digest channel (`DIGEST_CHANNEL` is not set), so there is nowhere to post. Ask an admin to set it; `/wl digest` shows you a preview.",
      });
    }
    await writeAudit(deps.db, ctx.actor, {
      action: "CREATE", targetModel: "HealthDigest", targetId: randomUUID(), targetDisplay: "/wl digest now",
      notes: `digest posted on demand to ${channel}`,
    });
    try {
      const r = await postDigestNow(deps, ctx.actor, todayOf(deps));
      await ctx.reply(`Posted the digest to <#${channel}>: ${r.creators} ${r.creators === 1 ? "creator" : "creators"} in ${r.parts} ${r.parts === 1 ? "message" : "messages"}. Today's scheduled digest still goes out as usual.`);
    } catch (e) {
      deps.logger.error({ err: e, channel }, "on-demand digest could not be posted");
      throw new AppError(ErrorCode.Upstream, {
        message: "on-demand digest failed",
        userMessage: `I couldn't post the digest to <#${channel}> (Slack said: ${esc((e as { data?: { error?: string } }).data?.error ?? "an error")}). Is the bot in that channel?`,
        cause: e,
      });
    }
  }

  async function onButton(ctx: ActionCtx, kind: "snooze" | "contacted"): Promise<void> {
    const id = z.uuid().safeParse(ctx.action.value);
    if (!id.success) throw invalid("That button is out of date; run `/wl digest` for a fresh one.");
    const today = todayOf(deps);
    const r = kind === "snooze" ? await service.snooze(ctx.actor, id.data, today) : await service.markContacted(ctx.actor, id.data, today);
    const who = ctx.actor.slackUserId ? `<@${ctx.actor.slackUserId}>` : esc(ctx.actor.displayName);
    const note =
      kind === "snooze"
        ? `💤 Snoozed 3 days by ${who}: next follow-up ${r.from ?? "none"} → *${r.to}*`
        : `✅ Marked contacted by ${who} on *${r.to}*`;

    // Update the digest in place (after the change committed), so the channel sees it was handled.
    const msg = ctx.body.message;
    const channel = ctx.body.channel?.id ?? (ctx.body.container?.channel_id as string | undefined);
    const blocks = msg?.blocks ? replaceRow(msg.blocks as unknown[], id.data, actedRowBlocks(r.creator, note)) : null;
    if (msg && channel && blocks && !ctx.body.container?.is_ephemeral) {
      try {
        await deps.client.chat.update({ channel, ts: msg.ts, text: msg.text ?? "Creator health digest", blocks });
        return;
      } catch (e) {
        deps.logger.warn({ err: e, channel }, "could not update the digest message in place");
      }
    }
    await ctx.reply(`${note} (*${esc(r.creator.brandName)}*, now ${r.creator.score}).`);
  }
}

export function schedules(deps: FeatureDeps): Schedule[] {
  return [
    {
      name: "digest",
      cron: deps.config.digest.cron,
      tz: deps.config.digest.tz,
      run: async (firedAt) => {
        await enqueueDigestPlan(deps, firedAt);
      },
    },
  ];
}

export function jobs(deps: FeatureDeps): JobHandler[] {
  return digestJobs(deps);
}

/** A digest missed while every replica was down goes out when one comes back the same day. */
export async function onStart(deps: FeatureDeps): Promise<void> {
  // Only an enqueue: the work itself is the queue's, so start-up never waits on Slack.
  try {
    const r = await catchUpMissedDigest(deps);
    if (r.ran) deps.logger.info({ reason: r.reason }, "digest catch-up queued");
  } catch (e) {
    deps.logger.error({ err: e }, "digest catch-up failed");
  }
}
