/** Timing helpers: interleaved rounds of a figure and its raw limit, medians reported. */

export interface Rate {
  /** Operations per second, median over rounds. */
  readonly opsPerSecond: number;
  readonly rounds: number[];
}

/** Runs `op` repeatedly for about `ms` milliseconds (after a warm-up) and returns ops/s. */
export async function rate(op: () => Promise<unknown>, opsPerCall: number, ms: number): Promise<number> {
  const deadline = performance.now() + ms;
  let calls = 0;
  const started = performance.now();
  while (performance.now() < deadline) {
    await op();
    calls++;
  }
  return (calls * opsPerCall) / ((performance.now() - started) / 1000);
}

/** Interleaves `rounds` measurements of both sides; medians. */
export async function compare(
  ours: () => Promise<unknown>,
  limit: () => Promise<unknown>,
  options: { opsPerCall?: number; ms?: number; rounds?: number; warmup?: number } = {},
): Promise<{ ours: Rate; limit: Rate }> {
  const { opsPerCall = 1, ms = 400, rounds = 5, warmup = 200 } = options;
  await rate(ours, opsPerCall, warmup);
  await rate(limit, opsPerCall, warmup);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    b.push(await rate(limit, opsPerCall, ms));
    a.push(await rate(ours, opsPerCall, ms));
  }
  return { ours: { opsPerSecond: median(a), rounds: a }, limit: { opsPerSecond: median(b), rounds: b } };
}

/** Times single runs of a heavy operation (e.g. a 10,000-row flush): ops/s from the median duration. */
export async function compareRuns(
  ours: () => Promise<void>,
  limit: () => Promise<void>,
  options: { opsPerRun: number; rounds?: number; prepare?: () => Promise<void> },
): Promise<{ ours: Rate; limit: Rate }> {
  const { opsPerRun, rounds = 5, prepare } = options;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds + 1; i++) {
    await prepare?.();
    const t0 = performance.now();
    await limit();
    const t1 = performance.now();
    await prepare?.();
    const t2 = performance.now();
    await ours();
    const t3 = performance.now();
    if (i === 0) continue; // warm-up round
    b.push(opsPerRun / ((t1 - t0) / 1000));
    a.push(opsPerRun / ((t3 - t2) / 1000));
  }
  return { ours: { opsPerSecond: median(a), rounds: a }, limit: { opsPerSecond: median(b), rounds: b } };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
