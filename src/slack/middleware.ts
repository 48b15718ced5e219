import type { AnyMiddlewareArgs, AllMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Db } from "../db.js";
import type { IdentityService } from "../identity/identity-service.js";
import type { Logger } from "../logger.js";

/**
 * Who is calling, resolved once per request and put on `context.actor` for every handler.
 * If the lookup fails (database down), the request still reaches the router, which acks and
 * tells the user, instead of Slack showing a timeout.
 */
export function actorMiddleware(identity: IdentityService, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const { userId, teamId } = callerOf(body as Record<string, unknown>);
    if (userId) {
      try {
        context.actor = await identity.resolve(userId, teamId);
      } catch (e) {
        logger.error({ err: e, user: userId }, "could not resolve the caller");
        context.actor = { userId: null, email: "", role: null, slackUserId: userId, slackTeamId: teamId, displayName: userId };
        context.actorUnavailable = true;
      }
    }
    await next();
  };
}

/**
 * Slack redelivers an event it thinks was not acknowledged (up to 3 retries). The first
 * delivery of an event_id claims it in Postgres, so every replica agrees which one acts.
 */
export function eventDedupeMiddleware(db: Db, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const b = body as { type?: string; event_id?: string };
    if (b.type === "event_callback" && b.event_id) {
      const inserted = await db.$executeRaw`INSERT INTO wl_slack_event (event_id) VALUES (${b.event_id}) ON CONFLICT DO NOTHING`;
      if (inserted === 0) {
        logger.debug({ eventId: b.event_id }, "duplicate event delivery ignored");
        return;
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
