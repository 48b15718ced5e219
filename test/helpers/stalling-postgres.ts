import net, { type AddressInfo } from "node:net";

// Databases that hang, for the timeouts' tests. Postgres itself is real; only the network
// between the bot and it misbehaves.

/**
 * A TCP proxy in front of the real Postgres that can stall: while stalled it accepts
 * connections and passes nothing either way (a hung server, or a network that dropped it);
 * `resume()` delivers what was held back, so the database then recovers in order.
 */
export class StallingProxy {
  private server!: net.Server;
  private stalled = false;
  private readonly held: (() => void)[] = [];
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target = { host: "127.0.0.1", port: 5432 }) {}

  async start(): Promise<this> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => undefined);
      }
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      this.pipe(client, upstream, "up");
      this.pipe(upstream, client, "down");
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** A connection string to `database` through this proxy. */
  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
    for (const deliver of this.held.splice(0)) deliver();
  }

  async stop(): Promise<void> {
    this.resume();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Passes `from`'s bytes to `to` (`up`: client to Postgres), holding them while stalled. */
  protected pipe(from: net.Socket, to: net.Socket, _direction: "up" | "down"): void {
    from.on("data", (chunk: Buffer) => {
      const deliver = () => void (to.destroyed || to.write(chunk));
      // Once anything is held, later chunks queue behind it so the stream stays in order.
      if (this.stalled || this.held.length > 0) this.held.push(deliver);
      else deliver();
    });
  }
}

/**
 * Speaks just enough of the Postgres protocol to accept a client (trust authentication,
 * ready for query) and then never answers a query: a server that hung after connecting.
 */
export async function startMutePostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
    let greeted = false;
    s.on("data", () => {
      if (greeted) return; // every query after the handshake goes unanswered
      greeted = true;
      const authOk = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]); // 'R' AuthenticationOk
      const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // 'Z' ReadyForQuery, idle
      s.write(Buffer.concat([authOk, ready]));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/mute`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * Cuts a connection once, when Postgres answers the first statement sent on it that contains
 * `marker`: by then an autocommitted statement has committed, and its client never hears so.
 */
export class AnswerCutter extends StallingProxy {
  private armed: string | null = null;
  private readonly awaiting = new WeakSet<net.Socket>();

  cutAnswerTo(marker: string): void {
    this.armed = marker;
  }

  protected override pipe(from: net.Socket, to: net.Socket, direction: "up" | "down"): void {
    from.on("data", (chunk: Buffer) => {
      if (direction === "up" && this.armed && chunk.includes(this.armed)) {
        this.armed = null;
        this.awaiting.add(to); // the upstream socket: its next answer is cut
      }
      if (direction === "down" && this.awaiting.has(from)) {
        from.destroy();
        to.destroy();
        return;
      }
      if (!to.destroyed) to.write(chunk);
    });
  }
}
