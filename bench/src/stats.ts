/** Small statistics helpers for the benchmarks. */

/** The q-quantile (0..1) of `xs` (nearest rank). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i] as number;
}

/** The median of `xs`. */
export const median = (xs: readonly number[]) => quantile(xs, 0.5);

/** Times `n` sequential runs of `fn(i)`; returns per-run latencies (ms) and the wall time (s). */
export async function timeRuns(n: number, offset: number, fn: (i: number) => Promise<void>) {
  const lat: number[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(offset + i);
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { lat, seconds };
}

/** Rounds to `d` significant-ish decimals for printing. */
export const r = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
