import { describe, expect, it } from "vitest";
import { createGroupCommit } from "../../src/lib/group-commit.js";

// The batching rule on its own: a fake writer stands in for the statement (the database side is
// tested through the audit batcher and the held jobs, against Postgres).

function recorder(fail?: (batch: readonly number[]) => boolean) {
  const batches: number[][] = [];
  /** Which writes were of rows written again after their batch failed. */
  const again: boolean[] = [];
  let release: (() => void) | null = null;
  const gate = () => new Promise<void>((r) => (release = r));
  let gated = false;
  const write = async (batch: readonly number[], isAgain: boolean) => {
    batches.push([...batch]);
    again.push(isAgain);
    if (gated) await gate();
    if (fail?.(batch)) throw new Error(`bad batch ${batch.join(",")}`);
    return batch.map((n) => n * 10);
  };
  return {
    batches,
    again,
    write,
    hold: () => (gated = true),
    open: () => {
      gated = false;
      release?.();
    },
  };
}

describe("group commit", () => {
  it("a lone row goes at once; rows that arrive while a batch is in flight share the next one, each with its own result", async () => {
    const r = recorder();
    const g = createGroupCommit({ write: r.write, maxBatch: 100 });
    r.hold();
    const first = g.submit(1);
    await Promise.resolve();
    expect(r.batches).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((n) => g.submit(n));
    r.open();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
    expect(r.batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it("at most maxBatch rows a statement, in arrival order", async () => {
    const r = recorder();
    const g = createGroupCommit({ write: r.write, maxBatch: 2 });
    r.hold();
    const all = [1, 2, 3, 4, 5].map((n) => g.submit(n));
    r.open();
    await Promise.all(all);
    expect(r.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it("a failed batch is retried row by row: only the bad row fails, and the failure is reported once", async () => {
    const r = recorder((batch) => batch.includes(3));
    const failed: number[] = [];
    const g = createGroupCommit({ write: r.write, maxBatch: 100, onBatchFailed: (_e, size) => failed.push(size) });
    r.hold();
    const first = g.submit(1);
    const rest = [2, 3, 4].map((n) => g.submit(n));
    r.open();
    const settled = await Promise.allSettled([first, ...rest]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(failed).toEqual([3]);
    expect(r.batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
    // The rows written again are told so (their batch may have committed before it failed); a lone row is not.
    expect(r.again).toEqual([false, false, true, true, true]);
  });

  it("a lone row whose answer was lost is written once more, as `again`; a lone row that failed otherwise is the caller's", async () => {
    // Row 1's first write loses its answer; row 7 is refused, every time.
    const r = recorder((batch) => batch[0] === 7 || (batch[0] === 1 && r.batches.length === 1));
    const g = createGroupCommit({ write: r.write, maxBatch: 100, answerLost: (e) => (e as Error).message === "bad batch 1" });
    expect(await g.submit(1)).toBe(10);
    await expect(g.submit(7)).rejects.toThrow("bad batch 7");
    expect(r.batches).toEqual([[1], [1], [7]]);
    expect(r.again).toEqual([false, true, false]);
  });

  it("drain waits for rows queued behind the batch in flight", async () => {
    const r = recorder();
    const g = createGroupCommit({ write: r.write, maxBatch: 100 });
    r.hold();
    const done: number[] = [];
    for (const n of [1, 2, 3]) void g.submit(n).then((v) => done.push(v));
    const drained = g.drain();
    r.open();
    await drained;
    expect(done.sort()).toEqual([10, 20, 30]);
  });
});
