import net, { type AddressInfo } from "node:net";

/**
 * A TCP proxy in front of the real Postgres that counts round trips: each time the client sends
 * after it was answered, one more. Answers are held back `delayMs`, so whatever a client sends
 * without waiting for an answer lands in the same round trip however fast the machine is.
 */
export class RoundTripCounter {
  private server!: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private answeredSinceSend = true;
  trips = 0;
  port = 0;

  constructor(private readonly delayMs = 25) {}

  async start(): Promise<this> {
    this.server = net.createServer((client) => {
      const upstream = net.connect({ host: "127.0.0.1", port: 5432 });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => undefined);
      }
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      client.on("data", (chunk: Buffer) => {
        if (this.answeredSinceSend) this.trips++;
        this.answeredSinceSend = false;
        if (!upstream.destroyed) upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => {
        setTimeout(() => {
          this.answeredSinceSend = true;
          if (!client.destroyed) client.write(chunk);
        }, this.delayMs);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** A connection string to `database` through this proxy. */
  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Round trips made while `work` runs. */
  async count(work: () => Promise<unknown>): Promise<number> {
    const before = this.trips;
    this.answeredSinceSend = true;
    await work();
    return this.trips - before;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
