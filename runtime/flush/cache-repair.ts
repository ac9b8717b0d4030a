/**
 * When a flush committed to MySQL but could not write Redis (Redis down or unreachable), Redis
 * still holds the rows and lookups from before the flush. They must not outlive the outage: the
 * entries the flush touched are dropped as soon as Redis answers again, retried with backoff for
 * as long as the engine runs, and other processes are then told to drop their local copies.
 * Dropping is always safe: a read that misses refills from MySQL, under a lease that the drop also
 * deletes, so a fill that read older data cannot store it.
 */
import type { EntityRuntime } from "../entity-runtime.js";
import { entityIndexKey } from "../index-keys.js";
import type { RedisPool } from "../redis-pool.js";
import type { RowChange } from "./cache-writes.js";

const FIRST_DELAY_MS = 50;
/** Short, since stale entries are served until the drop lands. */
const MAX_DELAY_MS = 1_000;

/** What to drop in one Redis pool. */
interface Drops {
  readonly keys: Set<string>;
  readonly hashFields: Map<string, Set<string>>;
}

export class CacheRepair {
  private readonly drops = new Map<RedisPool, Drops>();
  private readonly invalidated = new Map<string, Set<number>>();
  private timer: NodeJS.Timeout | undefined;
  private delay = FIRST_DELAY_MS;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly publish: (ids: Record<string, number[]>) => Promise<void>) {}

  /** Entries the flush wrote (or meant to write) for `rows` of `runtime`: to be dropped once Redis answers. */
  add(runtime: EntityRuntime, rows: readonly RowChange[]): void {
    const { descriptor } = runtime;
    if (runtime.rows !== undefined) {
      const drops = this.dropsOf(runtime.rows);
      for (const { id } of rows) {
        const key = runtime.rowKeys!.row(id);
        drops.keys.add(key).add(runtime.rowKeys!.lease(key));
      }
    }
    const { keys } = runtime;
    const drops = this.dropsOf(runtime.lookups);
    for (const { before, after } of rows) {
      for (const index of descriptor.indexes.filter((i) => i.cached)) {
        for (const row of [before, after]) {
          const value = row === undefined ? undefined : entityIndexKey(index, row);
          if (value === undefined) continue;
          if (index.unique) {
            const hash = keys.unique(index.name);
            let fields = drops.hashFields.get(hash);
            if (fields === undefined) drops.hashFields.set(hash, (fields = new Set()));
            fields.add(value);
            drops.keys.add(keys.lease(`${hash}:${value}`));
          } else {
            const set = keys.set(index.name, value);
            drops.keys.add(set).add(keys.lease(set));
          }
        }
      }
    }
    if (descriptor.cacheAll) drops.keys.add(keys.all()).add(keys.lease(keys.all()));
    if (runtime.local !== undefined) {
      const ids = this.invalidated.get(descriptor.name) ?? new Set<number>();
      for (const { id } of rows) ids.add(id);
      this.invalidated.set(descriptor.name, ids);
    }
    this.schedule(0);
  }

  /** Stops retrying (the engine closes); what is left stays stale until it expires or is rewritten. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private dropsOf(pool: RedisPool): Drops {
    let drops = this.drops.get(pool);
    if (drops === undefined) this.drops.set(pool, (drops = { keys: new Set(), hashFields: new Map() }));
    return drops;
  }

  private schedule(delay: number): void {
    if (this.stopped || this.timer !== undefined || this.running !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.attempt().finally(() => (this.running = undefined));
    }, delay);
  }

  /** One try at everything pending; what fails is put back and retried later. */
  private async attempt(): Promise<void> {
    // Taken out first: entries added while this runs wait for the next attempt.
    const drops = [...this.drops];
    const invalidated = [...this.invalidated];
    this.drops.clear();
    this.invalidated.clear();
    let failed = false;
    for (const [pool, { keys, hashFields }] of drops) {
      try {
        await pool.multi((tx) => {
          if (keys.size > 0) tx.del(...keys);
          for (const [hash, fields] of hashFields) tx.hdel(hash, ...fields);
        }, `drop ${keys.size + hashFields.size} cache entries a failed flush left stale`);
      } catch {
        failed = true;
        const back = this.dropsOf(pool);
        for (const key of keys) back.keys.add(key);
        for (const [hash, fields] of hashFields) back.hashFields.set(hash, new Set([...(back.hashFields.get(hash) ?? []), ...fields]));
      }
    }
    // Other processes drop their local copies only once Redis can no longer hand the old rows back.
    if (!failed && invalidated.length > 0) {
      try {
        await this.publish(Object.fromEntries(invalidated.map(([name, ids]) => [name, [...ids]])));
      } catch {
        failed = true;
      }
    }
    if (failed) {
      for (const [name, ids] of invalidated) this.invalidated.set(name, new Set([...(this.invalidated.get(name) ?? []), ...ids]));
    }
    this.delay = failed ? Math.min(MAX_DELAY_MS, this.delay * 2) : FIRST_DELAY_MS;
    this.running = undefined;
    if (this.drops.size > 0 || this.invalidated.size > 0) this.schedule(failed ? this.delay : 0);
  }
}
