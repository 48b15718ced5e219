import type { Actor } from "./actor.js";

export type ActorCache = {
  get(slackUserId: string, teamId: string | null): Promise<Actor>;
  /** A role, link or user row changed somewhere (any replica, or Django): forget everything. */
  invalidate(): void;
  /** Whether the change feed is connected; while it is not, nothing is served from the cache. */
  setLive(live: boolean): void;
};

/**
 * Resolved callers, kept briefly. A role change must be seen by every replica at once, not a
 * TTL later: the database NOTIFYs on every change to roles, Slack links and users (migration
 * 20261204700000_actor_notify), each replica's feed calls invalidate(), and while the feed is
 * down the cache is bypassed. A lookup that started before an invalidation is not cached
 * (the generation check), so a slow read cannot put a stale role back.
 */
export function createActorCache(deps: {
  resolve(slackUserId: string, teamId: string | null): Promise<Actor>;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}): ActorCache {
  const ttl = deps.ttlMs ?? 60_000;
  const max = deps.maxEntries ?? 10_000;
  const now = deps.now ?? Date.now;
  const entries = new Map<string, { actor: Actor; at: number }>();
  let generation = 0;
  let live = false;

  return {
    async get(slackUserId, teamId) {
      if (live) {
        const hit = entries.get(slackUserId);
        if (hit && now() - hit.at < ttl) return hit.actor;
      }
      const gen = generation;
      const actor = await deps.resolve(slackUserId, teamId);
      if (live && gen === generation) {
        if (entries.size >= max) entries.delete(entries.keys().next().value as string);
        entries.set(slackUserId, { actor, at: now() });
      }
      return actor;
    },
    invalidate() {
      generation += 1;
      entries.clear();
    },
    setLive(v) {
      live = v;
      generation += 1;
      entries.clear();
    },
  };
}
