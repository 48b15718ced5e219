import pg from "pg";
import type { Logger } from "./logger.js";

export type ChangeFeed = { stop(): Promise<void> };

/**
 * LISTENs on one Postgres channel on a connection of its own (a pooled one would be returned
 * and lose the subscription). `onLive(true)` fires once LISTEN is in place, `onLive(false)` the
 * moment the connection is lost; in between, nothing may rely on having heard every change.
 * Reconnects with backoff until stopped.
 */
export function listenForChanges(opts: {
  databaseUrl: string;
  channel: string;
  onChange(payload: string): void;
  onLive(live: boolean): void;
  logger: Logger;
}): ChangeFeed {
  let stopped = false;
  let client: pg.Client | null = null;
  let retryMs = 500;
  let timer: NodeJS.Timeout | null = null;

  const down = (why: unknown) => {
    opts.onLive(false);
    const c = client;
    client = null;
    c?.removeAllListeners();
    c?.on("error", () => undefined);
    void c?.end().catch(() => undefined);
    if (stopped) return;
    opts.logger.warn({ err: why, channel: opts.channel, retryMs }, "lost the change feed; reconnecting");
    timer = setTimeout(connect, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 30_000);
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    const c = new pg.Client({ connectionString: opts.databaseUrl, keepAlive: true, connectionTimeoutMillis: 5_000 });
    client = c;
    c.on("error", down);
    c.on("end", () => client === c && down(new Error("connection ended")));
    c.on("notification", (n) => n.channel === opts.channel && opts.onChange(n.payload ?? ""));
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(opts.channel)}`);
      if (stopped || client !== c) return;
      retryMs = 500;
      opts.onLive(true);
    } catch (e) {
      if (client === c) down(e);
    }
  }

  void connect();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      opts.onLive(false);
      await c?.end().catch(() => undefined);
    },
  };
}
