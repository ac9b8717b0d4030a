/**
 * The engine: connection pools, per-entity runtimes (caches, key layout, id counters), query
 * listeners and cross-process invalidation. One per process; contexts are created from it.
 */
import { randomUUID } from "node:crypto";
import { consumeAsyncFlushEvents } from "./async/consume.js";
import type { ConsumeOptions, ConsumeResult } from "./async/consume-types.js";
import { discardDeadLetters, listDeadLetters, retryDeadLetters, type DeadLetter } from "./async/dead-letters.js";
import { asyncQueueStatus, peekAsyncEvents, type PendingEvent, type QueueStatus } from "./async/inspect.js";
import type { EntityDescriptor } from "./entity-descriptor.js";
import { EntityRuntime, type AnyDescriptor } from "./entity-runtime.js";
import { CacheRepair } from "./flush/cache-repair.js";
import { IdAllocator } from "./id-allocator.js";
import { Invalidation } from "./invalidation.js";
import { Lock, obtainLock } from "./lock.js";
import { idCounterKey, idHighWaterKey } from "./keys.js";
import { MysqlPool } from "./mysql-pool.js";
import { QueryLog, type QueryListener } from "./query-log.js";
import { RedisPool } from "./redis-pool.js";
import { assertRuntimeApi, resolvePoolUrl as resolveUrl, type SchemaDescriptor } from "./schema-descriptor.js";
import { applyAlters, getAlters, type Alter, type ApplyAltersOptions } from "./schema-sync/alters.js";
import { expectedTables } from "./schema-sync/expected.js";

/** Pool URLs that replace the schema's (and the environment's). */
export interface EngineOptions {
  readonly mysql?: Readonly<Record<string, string>>;
  readonly redis?: Readonly<Record<string, string>>;
}

/** Method syntax keeps `Engine<Orm>` assignable to `Engine<unknown>`. */
interface ContextFactory<C> {
  create(engine: Engine<C>): C;
}

export class Engine<C = unknown> {
  /** Identifies this engine in invalidation messages. */
  readonly id = randomUUID();
  /** @internal */
  readonly log = new QueryLog();
  private readonly mysqlPools = new Map<string, MysqlPool>();
  private readonly redisPools = new Map<string, RedisPool>();
  private readonly runtimes = new Map<AnyDescriptor, EntityRuntime>();
  private readonly byName = new Map<string, EntityRuntime>();
  /** @internal */
  readonly invalidation: Invalidation;
  /** @internal Drops cache entries a flush could not update while Redis was unreachable. */
  readonly cacheRepair: CacheRepair;

  private readonly contexts: ContextFactory<C>;

  private constructor(schema: SchemaDescriptor, contextFactory: (engine: Engine<C>) => C, options: EngineOptions) {
    this.contexts = { create: contextFactory };
    for (const [name, url] of Object.entries(schema.mysqlPools)) {
      this.mysqlPools.set(name, new MysqlPool(name, options.mysql?.[name] ?? resolveUrl("mysql", name, url), this.log));
    }
    for (const [name, pool] of Object.entries(schema.redisPools)) {
      this.redisPools.set(name, new RedisPool(name, options.redis?.[name] ?? resolveUrl("redis", name, pool), pool.namespace, this.log));
    }
    const defaultRedis = this.redis("default");
    for (const descriptor of schema.entities) {
      const mysql = this.mysql(descriptor.mysqlPool);
      const rows = descriptor.redisCache === undefined ? undefined : this.redis(descriptor.redisCache);
      const lookups = rows ?? defaultRedis;
      const ids = new IdAllocator(
        lookups,
        mysql,
        idCounterKey(lookups.namespace, descriptor.mysqlPool, descriptor.table),
        { key: idHighWaterKey(lookups.namespace), member: `${descriptor.mysqlPool}:${descriptor.table}` },
        `SELECT MAX(\`ID\`) FROM \`${descriptor.table.replace(/`/g, "``")}\``,
      );
      const runtime = new EntityRuntime(descriptor, mysql, rows, lookups, ids, descriptor.hasBytes === true);
      this.runtimes.set(descriptor, runtime);
      this.byName.set(descriptor.name, runtime);
    }
    this.invalidation = new Invalidation(this, defaultRedis, options.redis?.default ?? resolveUrl("redis", "default", schema.redisPools.default!));
    this.cacheRepair = new CacheRepair((ids) => this.invalidation.publish(ids));
  }

  /**
   * Creates an engine for a generated schema and connects its pools. Generated code wraps this
   * as `createEngine(options?)`.
   */
  static async create<C>(schema: SchemaDescriptor, contextFactory: (engine: Engine<C>) => C, options: EngineOptions = {}): Promise<Engine<C>> {
    assertRuntimeApi(schema);
    const engine = new Engine(schema, contextFactory, options);
    try {
      await engine.invalidation.start();
    } catch (error) {
      // Pools already opened must not keep the process alive after a failed start.
      await engine.close().catch(() => undefined);
      throw error;
    }
    return engine;
  }

  /** A new unit of work: tracks new, edited and deleted entities until `flush()`. Cheap; use one per request. */
  newContext(): C {
    return this.contexts.create(this);
  }

  /**
   * Calls `listener` for every MySQL statement, Redis command and local-cache lookup.
   * Returns a function that removes the listener.
   */
  onQuery(listener: QueryListener): () => void {
    return this.log.add(listener);
  }

  /**
   * Applies the events `flushAsync()` queued to MySQL. `block: false` applies everything queued
   * and returns; `block: true` then waits for new events (blocking Redis reads) until `signal`
   * aborts. Several consumers may run: each queue partition is applied by one at a time.
   *
   * @example
   * ```ts
   * await engine.consumeAsyncFlushEvents({ block: false });
   * ```
   */
  consumeAsyncFlushEvents(options: ConsumeOptions = {}): Promise<ConsumeResult> {
    return consumeAsyncFlushEvents(this as Engine<unknown>, options);
  }

  /**
   * A lock named `name` in a Redis pool (default `default`), held for `ttlMs` unless refreshed;
   * waits up to `waitMs` (≤ ttlMs) while someone else holds it. Resolves to undefined when it
   * stayed taken. Only the holder can refresh or release it.
   *
   * @example
   * ```ts
   * const lock = await engine.lock("nightly-report", 30_000, { waitMs: 1_000 });
   * if (lock) {
   *   try { await buildReport(); } finally { await lock.release(); }
   * }
   * ```
   */
  lock(name: string, ttlMs: number, options: { readonly waitMs?: number; readonly pool?: string } = {}): Promise<Lock | undefined> {
    return obtainLock(this.redis(options.pool), name, ttlMs, options.waitMs ?? 0);
  }

  /** A MySQL pool by name (its mysql2 pool: `mysqlDriver` in `beeorm/runtime/drivers`). */
  mysql(name = "default"): MysqlPool {
    const pool = this.mysqlPools.get(name);
    if (pool === undefined) throw new Error(`unknown MySQL pool "${name}" (pools: ${[...this.mysqlPools.keys()].join(", ")})`);
    return pool;
  }

  /** A Redis pool by name (its ioredis client: `redisDriver` in `beeorm/runtime/drivers`). */
  redis(name = "default"): RedisPool {
    const pool = this.redisPools.get(name);
    if (pool === undefined) throw new Error(`unknown Redis pool "${name}" (pools: ${[...this.redisPools.keys()].join(", ")})`);
    return pool;
  }

  /** @internal The runtime state of an entity. */
  runtime<D extends { id: number }>(descriptor: EntityDescriptor<D, never> | AnyDescriptor): EntityRuntime<D> {
    return this.runtimes.get(descriptor as AnyDescriptor) as unknown as EntityRuntime<D>;
  }

  /** @internal Every entity's runtime state. */
  entityRuntimes(): EntityRuntime[] {
    return [...this.runtimes.values()];
  }

  /** @internal The runtime state of an entity by name. */
  runtimeByName(name: string): EntityRuntime | undefined {
    return this.byName.get(name);
  }

  /** Clears every local cache of this process (Redis and MySQL are untouched). */
  clearLocalCaches(): void {
    for (const runtime of this.runtimes.values()) runtime.local?.clear();
  }

  // ── Async-flush queues: inspection and repair (runtime/async/inspect.ts, dead-letters.ts) ──
  // A queue is named by `@asyncQueue("…")` or its MySQL pool; `name@redisPool` picks one Redis pool
  // when a name lives in several. An unknown name throws UnknownQueueError listing the known ones.

  /**
   * Every async-flush queue: events waiting, lag, dead letters, per partition.
   *
   * @example
   * ```ts
   * for (const q of await engine.asyncQueues()) console.log(q.queue, q.pending, `${q.lagMs} ms`, q.deadLetters);
   * ```
   */
  asyncQueues(): Promise<QueueStatus[]> {
    return asyncQueueStatus(this as Engine<unknown>);
  }

  /**
   * The oldest waiting events of a queue, in queue order, decoded where possible.
   *
   * @example
   * ```ts
   * const next = await engine.peekAsyncEvents("orders", 5); // [{ id, partition, entity: "Order", op: "update", rowId: 7, raw }]
   * ```
   */
  peekAsyncEvents(queue: string, limit = 20): Promise<PendingEvent[]> {
    return peekAsyncEvents(this as Engine<unknown>, queue, limit);
  }

  /**
   * The dead letters of a queue (events that failed permanently, and the later events of their rows), oldest first.
   *
   * @example
   * ```ts
   * for (const d of await engine.deadLetters("orders")) console.log(d.id, d.error, d.event);
   * ```
   */
  deadLetters(queue: string, limit = 100): Promise<DeadLetter[]> {
    return listDeadLetters(this as Engine<unknown>, queue, limit);
  }

  /**
   * Puts one dead letter (or all, without `id`) back at the end of its partition, in order, and releases
   * their rows. Resolves to how many were moved. Fix the cause first (e.g. the conflicting row).
   *
   * @example
   * ```ts
   * await engine.retryDeadLetters("orders");          // all
   * await engine.retryDeadLetters("orders", "1700000000000-0");
   * ```
   */
  retryDeadLetters(queue: string, id?: string): Promise<number> {
    return retryDeadLetters(this as Engine<unknown>, queue, id);
  }

  /**
   * Deletes one dead letter (or all, without `id`) and releases their rows. Resolves to how many were deleted.
   *
   * @example
   * ```ts
   * await engine.discardDeadLetters("orders", "1700000000000-0");
   * ```
   */
  discardDeadLetters(queue: string, id?: string): Promise<number> {
    return discardDeadLetters(this as Engine<unknown>, queue, id);
  }

  // ── end of async-flush inspection and repair ──

  /**
   * Schema sync: compares every MySQL pool's database (information_schema) with the schema and
   * returns the statements that make them match: CREATE TABLE for missing tables, ALTER TABLE for
   * the rest (safe changes and unsafe ones in separate statements), and reports of foreign keys and
   * of tables no entity owns. Right after `applyAlters`, it returns nothing.
   *
   * @example
   * ```ts
   * for (const alter of await engine.getAlters()) console.log(alter.safe ? "safe" : "UNSAFE", alter.sql);
   * ```
   */
  getAlters(): Promise<Alter[]> {
    return getAlters((name) => this.mysql(name), expectedTables(this.entityRuntimes().map((r) => r.descriptor)));
  }

  /**
   * Runs the statements of `getAlters()` that `options` allow: safe ones always, unsafe ones with
   * `unsafe: true`, drops of foreign keys and foreign tables with `dropForeign: true`. Resolves to
   * the ones it ran.
   *
   * @example
   * ```ts
   * await engine.applyAlters(await engine.getAlters(), { onStatement: (a) => console.log(a.sql) });
   * ```
   */
  applyAlters(alters: readonly Alter[], options: ApplyAltersOptions = {}): Promise<Alter[]> {
    return applyAlters((name) => this.mysql(name), alters, options);
  }

  /** Closes every pool; afterwards the process can exit by itself. */
  async close(): Promise<void> {
    this.cacheRepair.stop();
    await this.invalidation.stop();
    await Promise.all([...this.mysqlPools.values()].map((p) => p.close()));
    await Promise.all([...this.redisPools.values()].map((p) => p.close()));
  }
}
