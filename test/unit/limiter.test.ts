import { describe, expect, it } from "vitest";
import { createLimiter } from "../../src/lib/limiter.js";

const gate = () => {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const p = new Promise<void>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { p, open, fail };
};
const tick = () => new Promise((r) => setImmediate(r));

describe("createLimiter", () => {
  it("runs at most max at once and the rest in arrival order", async () => {
    const l = createLimiter(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      l.run(async () => {
        started.push(i);
        await g.p;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([l.active, l.waiting]).toEqual([2, 2]);
    gates[1]!.open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    // A newcomer queues behind those already waiting, even right after a slot was freed.
    const late = l.run(async () => "late");
    gates[0]!.open();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all([...runs, late])).toEqual([0, 1, 2, 3, "late"]);
    expect([l.active, l.waiting]).toEqual([0, 0]);
  });

  it("frees the slot when the work fails", async () => {
    const l = createLimiter(1);
    const g = gate();
    const failing = l.run(() => g.p);
    const next = l.run(async () => "ran");
    g.fail(new Error("boom"));
    await expect(failing).rejects.toThrow("boom");
    expect(await next).toBe("ran");
    expect(l.active).toBe(0);
  });

  it("refuses a limit below one slot", () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
