import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import type { BotMetrics, RequestLabels, RequestOutcome } from "./metrics.js";

/**
 * Times every Slack request the same way whichever transport brought it (our HTTP receiver or
 * Bolt's Socket Mode receiver): from the moment the receiver hands it to Bolt, to its ack and
 * to the end of its handling. Bolt acks events itself before any middleware runs, so the ack
 * can only be seen here, where the receiver's ack function passes through.
 */
export function meteredReceiver(
  inner: Receiver,
  deps: { metrics: Pick<BotMetrics, "request">; labelsOf: (body: Record<string, unknown>) => RequestLabels },
): Receiver {
  return {
    init(app: App) {
      // The receivers call nothing on the app but processEvent.
      const processEvent = async (event: ReceiverEvent) => {
        const started = performance.now();
        let ackAt: number | null = null;
        const ack: ReceiverEvent["ack"] = async (response) => {
          try {
            return await event.ack(response);
          } finally {
            ackAt ??= performance.now();
          }
        };
        let outcome: RequestOutcome = "error";
        try {
          await app.processEvent({ ...event, ack });
          outcome = "ok";
        } finally {
          const seconds = (at: number) => (at - started) / 1000;
          deps.metrics.request(deps.labelsOf(event.body as Record<string, unknown>), outcome, {
            ack: ackAt === null ? null : seconds(ackAt),
            total: seconds(performance.now()),
          });
        }
      };
      inner.init({ processEvent } as unknown as App);
    },
    start: (...args: unknown[]) => inner.start(...args),
    stop: (...args: unknown[]) => inner.stop(...args),
  };
}
