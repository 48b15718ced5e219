import type { Logger } from "../logger.js";
import type { BotMetrics, JobOutcome } from "../metrics/metrics.js";
import { JOB_DEFAULTS, safeError } from "./jobs-fns.js";
import type { JobStore } from "./jobs-service.js";
import { JOB_LOST, JOB_STOPPING, PermanentJobError, type ClaimedJob, type JobHandler } from "./job-types.js";

export type WorkerOptions = {
  pollMs?: number;
  heartbeatMs?: number;
  staleAfterMs?: number;
};

export type JobWorker = ReturnType<typeof createJobWorker>;

type Running = { job: ClaimedJob; handler: JobHandler; abort: AbortController; done: Promise<void> };

/**
 * Runs the jobs of `handlers` for one process (`owner`): polls for due work, heartbeats every
 * claim it holds, and on stop hands back what it cannot finish so another replica takes it at
 * once. A claim it loses (its heartbeat was late and another replica took over) is aborted.
 */
export function createJobWorker(
  deps: {
    store: JobStore;
    handlers: readonly JobHandler[];
    owner: string;
    logger: Logger;
    metrics: Pick<BotMetrics, "jobRun">;
    /**
     * Leases of held jobs this process is finishing inside a request (HeldJobs): heartbeated
     * with the worker's own claims, so a slow finish is not mistaken for a dead one.
     */
    kept?: ReadonlySet<string>;
  } & WorkerOptions,
) {
  const { store, owner } = deps;
  const pollMs = deps.pollMs ?? JOB_DEFAULTS.pollMs;
  const heartbeatMs = deps.heartbeatMs ?? JOB_DEFAULTS.heartbeatMs;
  const staleAfterMs = deps.staleAfterMs ?? JOB_DEFAULTS.staleAfterMs;
  const log = deps.logger.child({ component: "jobs", owner });
  const byKind = new Map(deps.handlers.map((h) => [h.kind, h]));
  const kinds = [...byKind.keys()];
  const running = new Map<string, Running>();
  let started = false;
  let stopping = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let beatTimer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | null = null;
  let again = false;

  const slotsFor = (h: JobHandler) => (h.concurrency ?? JOB_DEFAULTS.concurrency) - [...running.values()].filter((r) => r.handler === h).length;

  /** One pass: dead-letter stale last attempts, then claim what fits and start it. */
  async function pass(only?: ReadonlySet<string>): Promise<number> {
    const wanted = deps.handlers.filter((h) => !only || only.has(h.kind));
    for (const dead of await store.reapStale(
      wanted.map((h) => h.kind),
      staleAfterMs,
    )) {
      // The attempt ran on a replica that died: counted here, where its end is known.
      deps.metrics.jobRun(dead.kind, "dead", null);
      await deadLettered(dead, "its owner stopped heartbeating during the last attempt");
    }
    const claimed = await store.claim(
      owner,
      wanted.map((h) => ({ kind: h.kind, limit: slotsFor(h) })),
      staleAfterMs,
    );
    for (const job of claimed) launch(job);
    return claimed.length;
  }

  function tick(): Promise<void> {
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = (async () => {
      do {
        again = false;
        if (stopping) return;
        try {
          await pass();
        } catch (e) {
          log.warn({ error: safeError(e) }, "job poll failed; retrying");
        }
      } while (again && !stopping);
    })().finally(() => {
      ticking = null;
    });
    return ticking;
  }

  function launch(job: ClaimedJob): void {
    const handler = byKind.get(job.kind)!;
    const abort = new AbortController();
    const jlog = log.child({ job: job.id, kind: job.kind, attempt: job.attempts });
    const ctx = { signal: abort.signal, logger: jlog, checkpoint: (p: unknown) => store.checkpoint(job, p) };
    const started = performance.now();
    const counted = (outcome: JobOutcome) => deps.metrics.jobRun(job.kind, outcome, (performance.now() - started) / 1000);
    const done = (async () => {
      try {
        await handler.run(job, ctx);
        if (await store.complete(job)) counted("completed");
        else {
          counted("lost");
          jlog.warn("job finished after its claim was taken over");
        }
      } catch (e) {
        counted(await settleFailure(job, handler, abort.signal, e, jlog));
      }
    })()
      .catch((e: unknown) => jlog.error({ error: safeError(e) }, "could not record a job's outcome; its claim will go stale and be retried"))
      .finally(() => {
        running.delete(job.lease);
        if (!stopping) void tick();
      });
    running.set(job.lease, { job, handler, abort, done });
  }

  /** Records a failed attempt; says what became of the job, for the metrics. */
  async function settleFailure(job: ClaimedJob, handler: JobHandler, signal: AbortSignal, e: unknown, jlog: Logger): Promise<JobOutcome> {
    if (signal.aborted && signal.reason === JOB_LOST) return "lost"; // another replica holds it now
    if (signal.aborted && signal.reason === JOB_STOPPING) {
      // Not a failure: this replica is going away. Due at once for whoever is still up.
      if (!(await store.handBack(job))) return "lost";
      jlog.info("job handed back at shutdown");
      return "handed_back";
    }
    const permanent = e instanceof PermanentJobError;
    const decision = await store.fail(job, e, { permanent, policy: handler.backoff });
    if (!decision) return "lost";
    if (decision.action === "retry") {
      jlog.warn({ error: safeError(e), retryAt: decision.runAt.toISOString() }, "job failed; will retry");
      return "retry";
    }
    await deadLettered(job, `${safeError(e)} (${decision.reason})`);
    return "dead";
  }

  async function deadLettered(job: ClaimedJob, error: string): Promise<void> {
    log.error({ job: job.id, kind: job.kind, attempts: job.attempts, error }, "job dead-lettered: it will not be retried");
    try {
      await byKind.get(job.kind)?.onDead?.(job, error);
    } catch (e) {
      log.error({ job: job.id, kind: job.kind, error: safeError(e) }, "a dead-lettered job's clean-up failed");
    }
  }

  async function beat(): Promise<void> {
    // A kept job taken over anyway (a beat came too late) needs no abort: its finish is fenced.
    const leases = [...running.keys(), ...(deps.kept ?? [])];
    if (leases.length === 0) return;
    try {
      const held = await store.heartbeat(leases);
      for (const lease of leases) {
        const r = running.get(lease);
        if (r && !held.has(lease) && !r.abort.signal.aborted) {
          log.warn({ job: r.job.id, kind: r.job.kind }, "lost a job's claim (taken over after a late heartbeat); abandoning it");
          r.abort.abort(JOB_LOST);
        }
      }
    } catch (e) {
      log.warn({ error: safeError(e) }, "job heartbeat failed");
    }
  }

  return {
    owner,
    kinds,

    start(): void {
      if (started) return;
      started = true;
      pollTimer = setInterval(() => void tick(), pollMs);
      beatTimer = setInterval(() => void beat(), heartbeatMs);
      pollTimer.unref();
      beatTimer.unref();
      void tick();
    },

    /** Looks for work now (after this process enqueued something and committed). */
    nudge(): void {
      if (started && !stopping) void tick();
    },

    /**
     * A stopping replica's own queued jobs of the `runEarlyOnStop` kinds (reveal deletions),
     * run now rather than left for later: the secret goes early, never late.
     */
    async runEarly(origin: string, deadline: number): Promise<number> {
      const early = deps.handlers.filter((h) => h.runEarlyOnStop).map((h) => h.kind);
      if (early.length === 0 || stopping) return 0;
      const pulled = await store.pullForward(early, origin);
      const only = new Set(early);
      while (Date.now() < deadline) {
        const claimed = await pass(only);
        // A poll already under way may have claimed one of them and not launched it yet (our
        // pass skipped its locked row): wait for it, or the job would look finished.
        if (ticking) await ticking;
        const busy = [...running.values()].filter((r) => only.has(r.job.kind));
        if (claimed === 0 && busy.length === 0) break;
        await Promise.race([Promise.allSettled(busy.map((r) => r.done)), sleep(Math.max(0, Math.min(200, deadline - Date.now())))]);
      }
      return pulled;
    },

    /**
     * Stops claiming, asks every running job to stop at its next safe point (each hands itself
     * back), and waits for them until `deadline`. Heartbeats go on meanwhile, so nothing is
     * taken over while it is still being finished; a job still running at the deadline is left
     * to go stale and be taken over within seconds.
     */
    async drain(deadline: number): Promise<{ unfinished: number }> {
      stopping = true;
      clearInterval(pollTimer);
      await ticking;
      for (const r of running.values()) r.abort.abort(JOB_STOPPING);
      const all = Promise.allSettled([...running.values()].map((r) => r.done));
      await Promise.race([all, sleep(Math.max(0, deadline - Date.now()))]);
      clearInterval(beatTimer);
      const unfinished = running.size;
      if (unfinished)
        log.warn({ unfinished }, "jobs still running at the end of the grace period; other replicas take them over once their heartbeat is stale");
      return { unfinished };
    },

    /** Resolves when nothing is running here (tests, and callers that must wait for local work). */
    async idle(): Promise<void> {
      while (running.size > 0 || ticking) {
        await Promise.allSettled([...running.values()].map((r) => r.done));
        await ticking;
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
