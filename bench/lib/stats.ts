export type Summary = { n: number; p50: number; p95: number; p99: number; max: number; mean: number };

/** Nearest-rank percentiles over milliseconds. */
export function summarise(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : NaN);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1] ?? NaN, mean };
}

export const round = (n: number, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Times fn over many iterations (after a warm-up) and summarises per-call milliseconds. */
export async function timeIt(fn: () => unknown, opts: { iterations?: number; warmup?: number } = {}): Promise<Summary> {
  const iterations = opts.iterations ?? 500;
  for (let i = 0; i < (opts.warmup ?? 50); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return summarise(samples);
}

/**
 * Times `total` calls of fn in a row and summarises each [from, to) window of them: one loop
 * shows how a figure moves as the process and its connections warm up.
 */
export async function timeWindows(fn: () => unknown, total: number, windows: readonly (readonly [number, number])[]): Promise<Summary[]> {
  const samples: number[] = [];
  for (let i = 0; i < total; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return windows.map(([from, to]) => summarise(samples.slice(from, to)));
}
