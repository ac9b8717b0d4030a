/**
 * The read path: local cache → Redis → MySQL, each tier asked once for all the ids it misses
 * (one MGET, one SELECT … IN), filling the faster tiers on the way back. Ids that do not exist
 * are cached as missing too.
 */
import type { EntityRuntime } from "../entity-runtime.js";
import { forReader, freezeEntity } from "../frozen.js";
import { MISSING_ROW } from "../keys.js";
import { MISSING, type LocalEntry } from "../local-cache.js";
import type { QueryLog } from "../query-log.js";
import { decodeRow, encodeRow } from "../row-cache.js";
import { selectIn } from "../sql-list.js";
import { FILL_STRINGS, LEASE_MS, leaseToken, TAKE_LEASES } from "./fill-scripts.js";

type Entity = { id: number };

/** Largest `IN (…)` list of one SELECT. */
const SELECT_CHUNK = 4_096;

/** Loads `ids` (duplicates allowed); the result lines up with the input, undefined where missing. */
export async function loadByIds<D extends Entity>(runtime: EntityRuntime<D>, ids: readonly number[], log: QueryLog): Promise<(D | undefined)[]> {
  const found = new Map<number, LocalEntry<D>>();
  const local = runtime.local;
  const generation = local?.generation ?? 0;
  let misses: number[];
  if (local === undefined) misses = ids.length < 2 ? [...ids] : [...new Set(ids)];
  else {
    const missed = new Set<number>();
    for (const id of ids) {
      const hit = local.get(id);
      if (hit !== undefined) found.set(id, hit);
      else missed.add(id);
    }
    misses = [...missed];
  }
  if (local !== undefined && log.active) logLocal(runtime, log, ids.length, misses.length);
  if (misses.length > 0 && runtime.rows !== undefined) misses = await fromRedis(runtime, misses, found, generation);
  if (misses.length > 0) await fromMysql(runtime, misses, found, generation);
  return ids.map((id) => output(runtime, found.get(id)));
}

/** One entity: the hot path of getById when the local cache has it. */
export function localHit<D extends Entity>(runtime: EntityRuntime<D>, id: number, log: QueryLog): D | undefined | null {
  const hit = runtime.local?.get(id);
  if (hit === undefined) return null;
  if (log.active) logLocal(runtime, log, 1, 0);
  return output(runtime, hit);
}

function output<D extends Entity>(runtime: EntityRuntime<D>, entry: LocalEntry<D> | undefined): D | undefined {
  if (entry === undefined || entry === MISSING) return undefined;
  return runtime.hasBytes ? forReader(entry) : entry;
}

async function fromRedis<D extends Entity>(runtime: EntityRuntime<D>, ids: number[], found: Map<number, LocalEntry<D>>, generation: number): Promise<number[]> {
  const keys = runtime.rowKeys!;
  const values = await runtime.rows!.mget(ids.map((id) => keys.row(id)));
  const misses: number[] = [];
  ids.forEach((id, i) => {
    const value = values[i];
    if (value === null || value === undefined) {
      misses.push(id);
      return;
    }
    let entry: LocalEntry<D> | undefined = value === MISSING_ROW ? MISSING : runtime.decoded.get(id, value);
    if (entry === undefined) {
      const entity = freezeEntity(decodeRow(runtime.descriptor, value));
      runtime.decoded.set(id, value, entity);
      entry = entity;
    }
    found.set(id, entry);
    runtime.local?.fill(id, entry, generation);
  });
  return misses;
}

async function fromMysql<D extends Entity>(runtime: EntityRuntime<D>, ids: number[], found: Map<number, LocalEntry<D>>, generation: number): Promise<void> {
  const { descriptor, rows: redis, rowKeys: keys } = runtime;
  const token = leaseToken();
  const leases = keys === undefined ? [] : ids.map((id) => keys.lease(keys.row(id)));
  if (redis !== undefined) await redis.eval(TAKE_LEASES, leases, [token, LEASE_MS]);
  const loaded = new Map<number, D>();
  for (let start = 0; start < ids.length; start += SELECT_CHUNK) {
    const chunk = ids.slice(start, start + SELECT_CHUNK);
    const query = selectIn(descriptor.sql.selectByIds, chunk);
    const rows = await runtime.mysql.select(query.sql, query.params);
    for (const row of rows) {
      const entity = freezeEntity(descriptor.fromRow(row));
      loaded.set(entity.id, entity);
    }
  }
  const fillKeys: string[] = [];
  const fillValues: string[] = [];
  ids.forEach((id, i) => {
    const entity = loaded.get(id);
    const entry: LocalEntry<D> = entity ?? MISSING;
    found.set(id, entry);
    runtime.local?.fill(id, entry, generation);
    if (keys !== undefined) {
      fillKeys.push(keys.row(id), leases[i]!);
      fillValues.push(entity === undefined ? MISSING_ROW : encodeRow(descriptor, entity));
    }
  });
  if (redis !== undefined) await redis.eval(FILL_STRINGS, fillKeys, [token, ...fillValues]);
}

function logLocal<D extends Entity>(runtime: EntityRuntime<D>, log: QueryLog, asked: number, missed: number): void {
  log.emit({ source: "local", pool: runtime.descriptor.name, operation: "GET", query: `${asked} id(s)`, durationMs: 0, miss: missed > 0 });
}
