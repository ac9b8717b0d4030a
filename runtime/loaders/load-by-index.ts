/**
 * Lookups by index, by values in their bound (toRow) form. A cached unique index keeps key → id in a Redis hash; a cached plain index,
 * a cached reference and `@cacheAll` keep id sets, trusted only when they hold the completeness
 * marker. Misses read MySQL and fill under a lease, so a concurrent write always wins.
 */
import type { EntityRuntime } from "../entity-runtime.js";
import { freezeEntity } from "../frozen.js";
import type { IndexDescriptor } from "../entity-descriptor.js";
import { encodeIndexKey, entityIndexKey } from "../index-keys.js";
import { COMPLETE_MARKER } from "../keys.js";
import type { QueryLog } from "../query-log.js";
import { FILL_HASH_FIELD, FILL_SET, LEASE_MS, leaseToken, TAKE_LEASES } from "./fill-scripts.js";
import { loadByIds } from "./load-by-ids.js";

type Entity = { id: number };

/** The entity whose unique index `position` equals `key`, or undefined. */
export async function findUnique<D extends Entity>(runtime: EntityRuntime<D>, position: number, values: readonly unknown[], log: QueryLog): Promise<D | undefined> {
  const index = runtime.index(position);
  const sql = runtime.indexSql[position]!.ids;
  if (!index.cached) {
    const [row] = await runtime.mysql.select(sql, values);
    return row === undefined ? undefined : first(await loadByIds(runtime, [Number(row[0])], log));
  }
  const hash = runtime.keys.unique(index.name);
  const field = encodeIndexKey(values);
  const cachedId = await runtime.lookups.hget(hash, field);
  if (cachedId !== null) {
    const entity = first(await loadByIds(runtime, [Number(cachedId)], log));
    if (entity !== undefined && entityIndexKey(index, runtime.descriptor.toRow(entity)) === field) return entity;
  }
  const lease = runtime.keys.lease(`${hash}:${field}`);
  const token = leaseToken();
  await runtime.lookups.eval(TAKE_LEASES, [lease], [token, LEASE_MS]);
  const [row] = await runtime.mysql.select(sql, values);
  if (row === undefined) return undefined;
  const id = Number(row[0]);
  await runtime.lookups.eval(FILL_HASH_FIELD, [hash, lease], [token, field, id]);
  return first(await loadByIds(runtime, [id], log));
}

/** The entities whose index `position` equals `key`, ordered by id. */
export async function findMany<D extends Entity>(runtime: EntityRuntime<D>, position: number, values: readonly unknown[], log: QueryLog): Promise<D[]> {
  const index = runtime.index(position);
  const sql = runtime.indexSql[position]!;
  if (!index.cached) return selectMany(runtime, sql.ids, sql.rows, values, log);
  return cachedSet(runtime, runtime.keys.set(index.name, encodeIndexKey(values)), sql.ids, values, log, index);
}

/** Every entity, ordered by id: from the cached all-set with `@cacheAll`, else from MySQL. */
export async function findAll<D extends Entity>(runtime: EntityRuntime<D>, log: QueryLog): Promise<D[]> {
  const { sql, cacheAll } = runtime.descriptor;
  if (!cacheAll) return selectMany(runtime, sql.selectAllIds, sql.selectAll, [], log);
  return cachedSet(runtime, runtime.keys.all(), sql.selectAllIds, [], log);
}

/** Runs an id query (or, for entities without any cache, a full-row query) and loads the entities. */
export async function selectMany<D extends Entity>(
  runtime: EntityRuntime<D>, idsSql: string, rowsSql: string, params: readonly unknown[], log: QueryLog,
): Promise<D[]> {
  const { descriptor } = runtime;
  if (descriptor.localCache === undefined && descriptor.redisCache === undefined) {
    const rows = await runtime.mysql.select(rowsSql, params);
    return rows.map((row) => freezeEntity(descriptor.fromRow(row)));
  }
  const rows = await runtime.mysql.select(idsSql, params);
  return present(await loadByIds(runtime, rows.map((row) => Number(row[0])), log));
}

async function cachedSet<D extends Entity>(
  runtime: EntityRuntime<D>, set: string, idsSql: string, params: readonly unknown[], log: QueryLog, index?: IndexDescriptor,
): Promise<D[]> {
  let members = await runtime.lookups.smembers(set);
  if (!members.includes(COMPLETE_MARKER)) {
    const lease = runtime.keys.lease(set);
    const token = leaseToken();
    await runtime.lookups.eval(TAKE_LEASES, [lease], [token, LEASE_MS]);
    const rows = await runtime.mysql.select(idsSql, params);
    const ids = rows.map((row) => String(row[0]));
    const filled = await runtime.lookups.eval(FILL_SET, [set, lease], [token, COMPLETE_MARKER, ...ids]);
    members = Array.isArray(filled) ? (filled as string[]) : ids;
  }
  const ids = members.filter((m) => m !== COMPLETE_MARKER).map(Number).sort((a, b) => a - b);
  const entities = present(await loadByIds(runtime, ids, log));
  if (index === undefined) return entities;
  // A set can briefly list a row that moved away (a fill racing a flushAsync): keep only matches.
  const key = encodeIndexKey(params);
  return entities.filter((e) => entityIndexKey(index, runtime.descriptor.toRow(e)) === key);
}

function first<D>(entities: readonly (D | undefined)[]): D | undefined {
  return entities[0];
}

function present<D>(entities: readonly (D | undefined)[]): D[] {
  return entities.filter((e): e is D => e !== undefined);
}
