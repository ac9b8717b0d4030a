/**
 * Waits for new events with blocking XREADs (one dedicated connection per Redis pool), so a
 * blocking consumer applies an event within milliseconds of its flushAsync, without polling.
 */
import type { Redis } from "ioredis";
import type { RedisPool } from "../redis-pool.js";

export interface WatchedStream {
  readonly redis: RedisPool;
  readonly key: string;
  /** Wait for entries after this id. */
  readonly after: string;
}

export class StreamWaiter {
  private readonly connections = new Map<RedisPool, Redis>();
  private interrupted = false;

  /** Resolves when any stream has entries after its id, or after `timeoutMs`. */
  async wait(streams: readonly WatchedStream[], timeoutMs: number): Promise<void> {
    if (this.interrupted) return;
    if (streams.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, timeoutMs));
      return;
    }
    const byPool = new Map<RedisPool, WatchedStream[]>();
    for (const s of streams) byPool.set(s.redis, [...(byPool.get(s.redis) ?? []), s]);
    await Promise.race(
      [...byPool].map(async ([pool, list]) => {
        const connection = this.connection(pool);
        try {
          await connection.xread("BLOCK", timeoutMs, "STREAMS", ...list.map((s) => s.key), ...list.map((s) => s.after));
        } catch {
          await new Promise((resolve) => setTimeout(resolve, this.interrupted ? 0 : 200));
        }
      }),
    );
  }

  /** Ends a wait in progress (on abort). */
  interrupt(): void {
    this.interrupted = true;
    for (const connection of this.connections.values()) connection.disconnect();
  }

  close(): void {
    this.interrupt();
    this.connections.clear();
  }

  private connection(pool: RedisPool): Redis {
    let connection = this.connections.get(pool);
    if (connection === undefined) {
      connection = pool.raw.duplicate({ maxRetriesPerRequest: null });
      connection.on("error", () => undefined);
      this.connections.set(pool, connection);
    }
    return connection;
  }
}
