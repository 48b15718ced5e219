/**
 * Group commit: many callers' rows written by one statement, so they share one commit (and one
 * fsync). At most one batch is in flight; rows that arrive meanwhile go in the next one. A lone
 * row goes at once, so there is no batching delay at low load. If a batch fails, its rows are
 * written again one by one, so one bad row costs only itself. A lone row whose answer was lost
 * (`answerLost`) is written once more the same way.
 */
export type GroupCommit<T, R> = {
  /** Resolves with the row's own result once its batch has committed. */
  submit(item: T): Promise<R>;
  /** Waits until nothing is queued or in flight (shutdown). */
  drain(): Promise<void>;
};

type Pending<T, R> = { item: T; resolve: (r: R) => void; reject: (e: unknown) => void };

export function createGroupCommit<T, R>(opts: {
  /**
   * Writes the batch in one statement; returns one result per item, in the batch's order.
   * `again`: these rows were in a batch that failed, which may have committed before its answer
   * was lost; a writer that can tell a stored row skips it.
   */
  write(batch: readonly T[], again: boolean): Promise<readonly R[]>;
  maxBatch: number;
  /** Told when a batch of more than one failed, before its rows are retried one by one. */
  onBatchFailed?(error: unknown, size: number): void;
  /**
   * True when a failed write may have committed before its answer was lost (a connection that
   * broke while it waited): a lone row is then written once more, as `again`. Without it, or
   * when false, its failure is the caller's.
   */
  answerLost?(error: unknown): boolean;
}): GroupCommit<T, R> {
  let queue: Pending<T, R>[] = [];
  let inFlight: Promise<void> | null = null;

  /** One row on its own; a first try whose answer was lost (`answerLost`) is written once more, as `again`. */
  const writeOne = async (p: Pending<T, R>, again: boolean): Promise<void> => {
    try {
      const [r] = await opts.write([p.item], again);
      p.resolve(r as R);
    } catch (e) {
      if (!again && opts.answerLost?.(e)) return writeOne(p, true);
      p.reject(e);
    }
  };

  async function flushLoop(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, opts.maxBatch);
      queue = queue.slice(batch.length);
      if (batch.length === 1) {
        await writeOne(batch[0]!, false);
        continue;
      }
      let results: readonly R[];
      try {
        results = await opts.write(
          batch.map((p) => p.item),
          false,
        );
      } catch (e) {
        opts.onBatchFailed?.(e, batch.length);
        for (const p of batch) await writeOne(p, true);
        continue;
      }
      for (const [i, p] of batch.entries()) p.resolve(results[i] as R);
    }
    inFlight = null;
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        inFlight ??= flushLoop();
      });
    },
    async drain() {
      while (inFlight) await inFlight;
    },
  };
}
