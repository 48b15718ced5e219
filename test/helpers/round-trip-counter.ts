import type net from "node:net";
import { StallingProxy } from "./stalling-postgres.js";

/**
 * A proxy in front of the real Postgres that counts round trips: each time the client sends
 * after it was answered, one more. Answers are held back `delayMs`, so whatever a client sends
 * without waiting for an answer lands in the same round trip however fast the machine is.
 */
export class RoundTripCounter extends StallingProxy {
  private answeredSinceSend = true;
  trips = 0;

  constructor(private readonly delayMs = 25) {
    super();
  }

  protected override pipe(from: net.Socket, to: net.Socket, direction: "up" | "down"): void {
    from.on("data", (chunk: Buffer) => {
      if (direction === "up") {
        if (this.answeredSinceSend) this.trips++;
        this.answeredSinceSend = false;
        if (!to.destroyed) to.write(chunk);
        return;
      }
      setTimeout(() => {
        this.answeredSinceSend = true;
        if (!to.destroyed) to.write(chunk);
      }, this.delayMs);
    });
  }

  /** Round trips made while `work` runs. */
  async count(work: () => Promise<unknown>): Promise<number> {
    const before = this.trips;
    this.answeredSinceSend = true;
    await work();
    return this.trips - before;
  }
}
