import type { Logger } from "./logger.js";

// The stop sequence, one phase after another, all within one grace period:
//   intake   readiness answers 503 and cron stops firing;
//   requests after a short delay (so the load balancer has noticed) the server stops
//            accepting, and requests already inside the app finish (they may enqueue work);
//   work     the job worker runs this replica's reveal deletions early, asks every running
//            job to stop at its next safe point, and hands back what is unfinished;
//   flush    buffers other parts keep (the audit batcher, throttled refusal counts) drain;
//   close    database pools close.
// Anything may join with `onDrain`; a hook that throws or overruns is logged and the
// sequence goes on, so a stuck part never holds a deploy past the grace period.

export const DRAIN_PHASES = ["intake", "requests", "work", "flush", "close"] as const;
export type DrainPhase = (typeof DRAIN_PHASES)[number];

/** A hook gets the absolute deadline (epoch ms) by which the whole stop must be done. */
export type DrainHook = (deadline: number) => Promise<void> | void;

export type StopOptions = {
  /** The whole stop, from the signal to closed pools (default 25 s: under Kubernetes' 30 s). */
  graceMs?: number;
  /** How long readiness answers 503 before the server stops accepting (default 0). */
  unreadyMs?: number;
};

export type Lifecycle = ReturnType<typeof createLifecycle>;

export const DEFAULT_GRACE_MS = 25_000;
/** Kept back from the work phase for flush and close. */
const RESERVE_MS = 1_500;

export function createLifecycle(logger: Logger) {
  const hooks: { phase: DrainPhase; name: string; run: DrainHook }[] = [];
  const inflight = new Set<Promise<unknown>>();
  let stopping: Promise<void> | null = null;

  async function waitForRequests(deadline: number): Promise<void> {
    while (inflight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...inflight]), sleep(deadline - Date.now())]);
    }
    if (inflight.size > 0) logger.warn({ inflight: inflight.size }, "requests still running at the end of their share of the grace period");
  }

  return {
    /** False from the moment a stop begins: GET /readyz answers 503. */
    get ready(): boolean {
      return stopping === null;
    },

    /** Joins the stop sequence at `phase` (hooks of one phase run in the order they were added). */
    onDrain(phase: DrainPhase, name: string, run: DrainHook): void {
      hooks.push({ phase, name, run });
    },

    /** Counts a request as in flight until `work` settles; the requests phase waits for them. */
    track<T>(work: Promise<T>): Promise<T> {
      inflight.add(work);
      void work.then(
        () => inflight.delete(work),
        () => inflight.delete(work),
      );
      return work;
    },

    /** Runs the stop sequence once; later calls wait for the same stop. */
    stop(opts: StopOptions = {}): Promise<void> {
      stopping ??= (async () => {
        const started = Date.now();
        const deadline = started + (opts.graceMs ?? DEFAULT_GRACE_MS);
        for (const phase of DRAIN_PHASES) {
          const phaseDeadline = phase === "flush" || phase === "close" ? deadline : deadline - RESERVE_MS;
          // The load balancer sees 503 before connections are refused.
          if (phase === "requests" && opts.unreadyMs) await sleep(Math.min(opts.unreadyMs, phaseDeadline - Date.now()));
          for (const h of hooks.filter((x) => x.phase === phase)) {
            try {
              await Promise.race([Promise.resolve(h.run(phaseDeadline)), sleep(phaseDeadline - Date.now())]);
            } catch (e) {
              logger.error({ err: e, phase, hook: h.name }, "a shutdown step failed; continuing");
            }
          }
          if (phase === "requests") await waitForRequests(phaseDeadline);
        }
        logger.info({ ms: Date.now() - started }, "stopped");
      })();
      return stopping;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)).unref());
}
