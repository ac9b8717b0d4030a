/** Retries transient failures with backoff, forever (until aborted), logging each outage once. */
import { isTransient } from "./errors.js";

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

export class Retrier {
  private readonly down = new Map<string, number>();

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly onLog: ((line: string) => void) | undefined,
  ) {}

  /** Runs `work`; on a transient error waits and runs it again. Permanent errors and aborts are thrown. */
  async run<T>(service: string, work: () => Promise<T>): Promise<T> {
    let delay = FIRST_DELAY_MS;
    for (;;) {
      try {
        const result = await work();
        const since = this.down.get(service);
        if (since !== undefined) {
          this.down.delete(service);
          this.onLog?.(`${service} is back after ${((Date.now() - since) / 1000).toFixed(1)} s`);
        }
        return result;
      } catch (error) {
        if (!isTransient(error) || this.signal?.aborted) throw error;
        if (!this.down.has(service)) {
          this.down.set(service, Date.now());
          this.onLog?.(`${service} unavailable (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); retrying`);
        }
        await sleep(delay, this.signal);
        delay = Math.min(MAX_DELAY_MS, delay * 2);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
