/**
 * At most `max` calls of `run` at once; the rest wait in arrival order. A slot is freed however
 * the work settles.
 */
export type Limiter = Readonly<{ run<T>(work: () => Promise<T>): Promise<T>; readonly active: number; readonly waiting: number }>;

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter needs at least one slot, got ${max}`);
  let active = 0;
  const queue: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      // A freed slot passes straight to the next in line, so `active` never dips and re-rises
      // for a newcomer to overtake it.
      if (active >= max) await new Promise<void>((resolve) => queue.push(resolve));
      else active++;
      try {
        return await work();
      } finally {
        const next = queue.shift();
        if (next) next();
        else active--;
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
