/**
 * The last step of a flush, after COMMIT: write the new rows into Redis, maintain the cached
 * index lookups and id sets, update the local cache and tell other processes. Every Redis write
 * also deletes the lease of the structure it touches, so a read-fill that loaded older data
 * from MySQL can no longer store it.
 */
import type { ChainableCommander } from "ioredis";

import { CacheWriteError } from "../errors.js";
import { frozenCopy } from "../frozen.js";
import { entityIndexKey } from "../index-keys.js";
import { MISSING_ROW } from "../keys.js";
import { MISSING } from "../local-cache.js";
import type { RedisPool } from "../redis-pool.js";
import type { EntityChanges } from "./plan.js";

type Command = (tx: ChainableCommander) => void;

/** Applies the committed `changes` to every cache; throws CacheWriteError if Redis failed. */
export async function writeCaches(changes: readonly EntityChanges[], publish: (ids: Record<string, number[]>) => Promise<void>): Promise<void> {
  const byPool = new Map<RedisPool, Command[]>();
  const add = (pool: RedisPool, command: Command): void => {
    const list = byPool.get(pool);
    if (list === undefined) byPool.set(pool, [command]);
    else list.push(command);
  };
  const invalidated: Record<string, number[]> = {};
  for (const change of changes) {
    redisRowWrites(change, add);
    redisLookupWrites(change, add);
    const local = change.runtime.local;
    if (local !== undefined) {
      for (const e of change.inserts) local.set(e.id, frozenCopy(e));
      for (const { draft } of change.updates) local.set(draft.id, frozenCopy(draft));
      for (const e of change.deletes) local.set(e.id, MISSING);
      invalidated[change.runtime.descriptor.name] = [
        ...change.inserts.map((e) => e.id),
        ...change.updates.map((u) => u.draft.id),
        ...change.deletes.map((e) => e.id),
      ];
    }
  }
  const failures: unknown[] = [];
  await Promise.all(
    [...byPool].map(([pool, commands]) =>
      pool.multi((tx) => commands.forEach((command) => command(tx)), `flush (${commands.length} commands)`).catch((error) => failures.push(error)),
    ),
  );
  if (Object.keys(invalidated).length > 0) await publish(invalidated).catch((error) => failures.push(error));
  if (failures.length > 0) {
    throw new CacheWriteError(`MySQL committed, but updating the Redis cache failed: ${String(failures[0])}`, failures[0]);
  }
}

function redisRowWrites(change: EntityChanges, add: (pool: RedisPool, command: Command) => void): void {
  const { runtime } = change;
  const pool = runtime.rows;
  const keys = runtime.rowKeys;
  if (pool === undefined || keys === undefined) return;
  const descriptor = runtime.descriptor;
  const write = (id: number, value: string): void => {
    const key = keys.row(id);
    add(pool, (tx) => tx.set(key, value).del(keys.lease(key)));
  };
  for (const e of change.inserts) write(e.id, JSON.stringify(descriptor.toCache(e)));
  for (const { draft } of change.updates) write(draft.id, JSON.stringify(descriptor.toCache(draft)));
  for (const e of change.deletes) write(e.id, MISSING_ROW);
}

function redisLookupWrites(change: EntityChanges, add: (pool: RedisPool, command: Command) => void): void {
  const { runtime } = change;
  const { descriptor, keys, lookups } = runtime;
  const cachedIndexes = descriptor.indexes.filter((index) => index.cached);
  if (cachedIndexes.length === 0 && !descriptor.cacheAll) return;
  const insert = (index: (typeof cachedIndexes)[number], id: number, cached: readonly unknown[]): void => {
    const value = entityIndexKey(index, cached);
    if (index.unique) {
      const hash = keys.unique(index.name);
      add(lookups, (tx) => tx.hset(hash, value, String(id)).del(keys.lease(`${hash}:${value}`)));
    } else {
      const set = keys.set(index.name, value);
      add(lookups, (tx) => tx.sadd(set, String(id)).del(keys.lease(set)));
    }
  };
  const remove = (index: (typeof cachedIndexes)[number], id: number, cached: readonly unknown[]): void => {
    const value = entityIndexKey(index, cached);
    if (index.unique) {
      const hash = keys.unique(index.name);
      add(lookups, (tx) => tx.hdel(hash, value).del(keys.lease(`${hash}:${value}`)));
    } else {
      const set = keys.set(index.name, value);
      add(lookups, (tx) => tx.srem(set, String(id)).del(keys.lease(set)));
    }
  };
  for (const e of change.inserts) {
    const cached = descriptor.toCache(e);
    for (const index of cachedIndexes) insert(index, e.id, cached);
  }
  for (const { draft, source, columns } of change.updates) {
    const before = descriptor.toCache(source);
    const after = descriptor.toCache(draft);
    for (const index of cachedIndexes) {
      if (!index.columns.some((c) => columns.includes(c))) continue;
      remove(index, draft.id, before);
      insert(index, draft.id, after);
    }
  }
  for (const e of change.deletes) {
    const cached = descriptor.toCache(e);
    for (const index of cachedIndexes) remove(index, e.id, cached);
  }
  if (descriptor.cacheAll) {
    const all = keys.all();
    const added = change.inserts.map((e) => String(e.id));
    const removed = change.deletes.map((e) => String(e.id));
    add(lookups, (tx) => {
      if (added.length > 0) tx.sadd(all, ...added);
      if (removed.length > 0) tx.srem(all, ...removed);
      tx.del(keys.lease(all));
    });
  }
}

