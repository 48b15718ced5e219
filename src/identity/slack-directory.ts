import type { WebClient } from "@slack/web-api";

export type SlackProfile = Readonly<{ slackUserId: string; teamId: string; email: string | null; name: string; isBot: boolean }>;

export type SlackDirectory = { lookup(slackUserId: string): Promise<SlackProfile | null> };

/**
 * users.info with a bounded TTL cache: an email changes rarely, and Slack's users.info is
 * Tier 4 (100+/min), so we must not call it on every click.
 */
export function createSlackDirectory(client: Pick<WebClient, "users">, opts: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): SlackDirectory {
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const max = opts.maxEntries ?? 5_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<SlackProfile | null> }>();
  return {
    lookup(slackUserId) {
      const hit = cache.get(slackUserId);
      if (hit && now() - hit.at < ttl) return hit.value;
      const value = client.users.info({ user: slackUserId }).then(
        (r) => {
          const u = r.user;
          if (!u?.id) return null;
          return {
            slackUserId: u.id,
            teamId: u.team_id ?? "",
            email: u.profile?.email ?? null,
            name: u.profile?.display_name || u.real_name || u.name || u.id,
            isBot: Boolean(u.is_bot),
          };
        },
        (e: unknown) => {
          cache.delete(slackUserId); // do not cache failures
          throw e;
        },
      );
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(slackUserId, { at: now(), value });
      return value;
    },
  };
}
