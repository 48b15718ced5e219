import type { AnyMiddlewareArgs, AllMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Pool } from "../db.js";
import type { Actor } from "../identity/actor.js";
import type { ActorCache } from "../identity/actor-cache.js";
import type { Logger } from "../logger.js";

// Global middleware, in this order: ack, event dedupe, actor. Bolt runs them once per request.

/** What the pipeline's middleware leaves on Bolt's context. */
export type PipelineContext = { acked?: boolean; actor?: Actor; actorUnavailable?: boolean };

/**
 * Slack's clock is 3 s and nothing slow belongs before the ack: slash commands, buttons and
 * shortcuts are acknowledged here, before any database work, and answered later through
 * response_url or the Web API. View submissions and options loads carry their answer in the
 * ack (validation errors, options), so their handlers ack. Events Bolt acks itself.
 */
export const ackFirst: Middleware<AnyMiddlewareArgs> = async (args) => {
  const { body, context, next } = args as AnyMiddlewareArgs & AllMiddlewareArgs;
  const b = body as { command?: unknown; type?: string };
  const ack = (args as { ack?: () => Promise<void> }).ack;
  if (ack && (typeof b.command === "string" || b.type === "block_actions" || b.type === "shortcut" || b.type === "message_action")) {
    await ack();
    (context as PipelineContext).acked = true;
  }
  await next();
};

/**
 * Slack redelivers an event it thinks was not acknowledged (up to 3 retries). The first
 * delivery of an event_id claims it in Postgres, so every replica agrees which one acts.
 */
export function eventDedupe(pool: Pool, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const b = body as { type?: string; event_id?: string };
    if (b.type === "event_callback" && b.event_id) {
      const { rowCount } = await pool.query({
        name: "wl_event_claim",
        text: "INSERT INTO wl_slack_event (event_id) VALUES ($1) ON CONFLICT DO NOTHING",
        values: [b.event_id],
      });
      if (rowCount === 0) {
        logger.debug({ eventId: b.event_id }, "duplicate event delivery ignored");
        return;
      }
    }
    await next();
  };
}

/**
 * Who is calling, resolved once per request (from the actor cache when it can) and put on
 * `context.actor`. When the lookup fails (a database that is down, or hung past the identity
 * service's deadline), the request still reaches the pipeline, which tells the caller that the
 * bot can't reach its database instead of leaving them with silence.
 */
export function resolveActor(cache: Pick<ActorCache, "get">, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const { userId, teamId } = callerOf(body as Record<string, unknown>);
    const ctx = context as PipelineContext;
    if (userId) {
      try {
        ctx.actor = await cache.get(userId, teamId);
      } catch (e) {
        logger.error({ err: e, user: userId }, "could not resolve the caller");
        ctx.actor = { userId: null, email: "", role: null, slackUserId: userId, slackTeamId: teamId, displayName: userId };
        ctx.actorUnavailable = true;
      }
    }
    await next();
  };
}

function callerOf(body: Record<string, unknown>): { userId: string | null; teamId: string | null } {
  // Slash commands: user_id/team_id; interactivity: user.id/team.id; events: event.user.
  if (typeof body.user_id === "string") return { userId: body.user_id, teamId: (body.team_id as string) ?? null };
  const user = body.user as { id?: string; team_id?: string } | undefined;
  const team = body.team as { id?: string } | undefined;
  if (user?.id) return { userId: user.id, teamId: team?.id ?? user.team_id ?? null };
  const event = body.event as { user?: string | { id?: string } } | undefined;
  const eu = typeof event?.user === "string" ? event.user : event?.user?.id;
  if (eu) return { userId: eu, teamId: (body.team_id as string) ?? null };
  return { userId: null, teamId: null };
}
