/**
 * The last step of a flush, after COMMIT: write the new rows into Redis, maintain the cached
 * index lookups and id sets, update the local cache and tell other processes. Rows of updates
 * and deletes are taken from MySQL's state inside the transaction (see locked-read.ts). Every
 * Redis write also deletes the lease of the structure it touches, so a read-fill that loaded
 * older data from MySQL can no longer store it.
 */
import type { ChainableCommander } from "ioredis";
import type { EntityRuntime } from "../entity-runtime.js";
import { CacheWriteError } from "../errors.js";
import { freezeEntity } from "../frozen.js";
import { entityIndexKey } from "../index-keys.js";
import { MISSING_ROW } from "../keys.js";
import { MISSING } from "../local-cache.js";
import type { RedisPool } from "../redis-pool.js";
import { encodeRowValues } from "../row-cache.js";
import type { EntityChanges } from "./plan.js";
import { RedisWriteBatch } from "./redis-batch.js";

type Row = unknown[];

/** One entity's committed change as rows in `toRow` form: `before` undefined for inserts, `after` for deletes. */
export interface RowChange {
  readonly id: number;
  readonly before: Row | undefined;
  readonly after: Row | undefined;
  /** For an update: the positions of the columns it changes. */
  readonly columns?: readonly number[];
}

/** Commands to add to the MULTI of a Redis pool for one entity's rows (queued events), or undefined for none. */
export type ExtraCommands = (
  change: EntityChanges,
  rows: readonly RowChange[],
) => { readonly pool: RedisPool; readonly append: (tx: ChainableCommander) => void } | undefined;

/**
 * Applies the committed `changes` to every cache: one MULTI per Redis pool (with `extra` commands
 * in it), then the local caches, then the invalidation message. With `localOnlyAfterRedis` the
 * local caches change only if every MULTI succeeded. Throws CacheWriteError if Redis failed.
 */
export async function writeCaches(
  changes: readonly EntityChanges[],
  publish: (ids: Record<string, number[]>) => Promise<void>,
  options: { readonly extra?: ExtraCommands; readonly localOnlyAfterRedis?: boolean } = {},
): Promise<void> {
  const batches = new Map<RedisPool, RedisWriteBatch[]>();
  const batchFor = (pool: RedisPool): RedisWriteBatch => {
    const batch = new RedisWriteBatch();
    batches.set(pool, [...(batches.get(pool) ?? []), batch]);
    return batch;
  };
  const localWrites: (() => void)[] = [];
  const extras = new Map<RedisPool, ((tx: ChainableCommander) => void)[]>();
  const invalidated: Record<string, number[]> = {};
  for (const change of changes) {
    const runtime = change.runtime as EntityRuntime;
    const rows = rowChanges(change);
    const extra = options.extra?.(change, rows);
    if (extra !== undefined) extras.set(extra.pool, [...(extras.get(extra.pool) ?? []), extra.append]);
    if (runtime.rows !== undefined) rowWrites(runtime, rows, batchFor(runtime.rows));
    lookupWrites(runtime, rows, () => batchFor(runtime.lookups));
    const local = runtime.local;
    if (local !== undefined) {
      localWrites.push(() => {
        for (const { id, after } of rows) local.set(id, after === undefined ? MISSING : freezeEntity(runtime.descriptor.fromRow(after)));
      });
      invalidated[runtime.descriptor.name] = rows.map((r) => r.id);
    }
  }
  const pools = new Set([...batches.keys(), ...extras.keys()]);
  const failures: unknown[] = [];
  await Promise.all(
    [...pools].map((pool) => {
      const list = batches.get(pool) ?? [];
      const extra = extras.get(pool) ?? [];
      const commands = list.reduce((n, b) => n + b.size, 0);
      if (commands === 0 && extra.length === 0) return undefined;
      const build = (tx: ChainableCommander): void => {
        list.forEach((batch) => batch.appendTo(tx));
        extra.forEach((append) => append(tx));
      };
      return pool.multi(build, `flush (${commands} cache commands${extra.length > 0 ? " + queued events" : ""})`).catch((error: unknown) => failures.push(error));
    }),
  );
  if (failures.length === 0 || options.localOnlyAfterRedis !== true) localWrites.forEach((write) => write());
  if (failures.length === 0 && Object.keys(invalidated).length > 0) await publish(invalidated).catch((error: unknown) => failures.push(error));
  if (failures.length > 0) {
    throw new CacheWriteError(`updating Redis failed: ${String(failures[0])}`, failures[0]);
  }
}

/** The committed rows: inserts as drafted, updates as MySQL's row with the changed columns, deletes. */
export function rowChanges(change: EntityChanges): RowChange[] {
  const { descriptor } = change.runtime;
  const current = change.current;
  const rows: RowChange[] = change.inserts.map((e) => ({ id: e.id, before: undefined, after: descriptor.toRow(e) }));
  for (const { draft, source, columns } of change.updates) {
    const now = current === undefined ? source : current.get(draft.id);
    if (now === undefined) {
      rows.push({ id: draft.id, before: undefined, after: undefined }); // deleted meanwhile: nothing was updated
      continue;
    }
    const before = descriptor.toRow(now);
    const after = [...before];
    const edited = descriptor.toRow(draft);
    for (const c of columns) after[c] = edited[c];
    rows.push({ id: draft.id, before, after, columns });
  }
  for (const e of change.deletes) {
    const now = current === undefined ? e : current.get(e.id);
    rows.push({ id: e.id, before: now === undefined ? undefined : descriptor.toRow(now), after: undefined });
  }
  return rows;
}

function rowWrites(runtime: EntityRuntime, rows: readonly RowChange[], batch: RedisWriteBatch): void {
  const keys = runtime.rowKeys!;
  for (const { id, after } of rows) {
    const key = keys.row(id);
    batch.set(key, after === undefined ? MISSING_ROW : encodeRowValues(runtime.descriptor, after));
    batch.dropLease(keys.lease(key));
  }
}

function lookupWrites(runtime: EntityRuntime, rows: readonly RowChange[], batchFor: () => RedisWriteBatch): void {
  const { descriptor, keys } = runtime;
  const indexes = descriptor.indexes.filter((index) => index.cached);
  if (indexes.length === 0 && !descriptor.cacheAll) return;
  const batch = batchFor();
  for (const { id, before, after } of rows) {
    const member = String(id);
    for (const index of indexes) {
      const old = before === undefined ? undefined : entityIndexKey(index, before);
      const now = after === undefined ? undefined : entityIndexKey(index, after);
      if (old === now) continue;
      if (index.unique) {
        const hash = keys.unique(index.name);
        if (old !== undefined) batch.hdel(hash, old);
        if (now !== undefined) batch.hset(hash, now, member);
        for (const value of [old, now]) if (value !== undefined) batch.dropLease(keys.lease(`${hash}:${value}`));
      } else {
        for (const value of [old, now]) {
          if (value === undefined) continue;
          const set = keys.set(index.name, value);
          if (value === old) batch.srem(set, member);
          else batch.sadd(set, member);
          batch.dropLease(keys.lease(set));
        }
      }
    }
    if (descriptor.cacheAll && (before === undefined) !== (after === undefined)) {
      if (after !== undefined) batch.sadd(keys.all(), member);
      else batch.srem(keys.all(), member);
      batch.dropLease(keys.lease(keys.all()));
    }
  }
}
