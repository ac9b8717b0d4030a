/**
 * The first step of a flush, before any I/O: validate and normalise every tracked entity, drop
 * updates that change nothing, and group the rest by MySQL pool in a deterministic order.
 */
import type { Tracked } from "../context.js";
import type { EntityRuntime } from "../entity-runtime.js";

type Entity = { id: number };

/** The changes of one entity type. */
export interface EntityChanges {
  readonly runtime: EntityRuntime;
  readonly deletes: Entity[];
  readonly inserts: Entity[];
  /** Drafts with their source and the positions of their changed columns. */
  readonly updates: { readonly draft: Entity; readonly source: Entity; readonly columns: number[] }[];
  /**
   * The rows of the updated and deleted ids as MySQL held them inside the flush's transaction,
   * before its statements ran (read with FOR UPDATE); set when the entity has caches to maintain.
   */
  current?: ReadonlyMap<number, Entity>;
}

/** The changes of one MySQL pool, entity types sorted by name. */
export interface PoolChanges {
  readonly pool: string;
  readonly entities: EntityChanges[];
}

/** Validates everything (throwing the first ValidationError) and returns the work per pool, pools sorted by name. */
export function planFlush(tracked: ReadonlyMap<EntityRuntime, ReadonlyMap<number, Tracked>>): PoolChanges[] {
  const changes: EntityChanges[] = [];
  for (const [runtime, byId] of tracked) {
    const entity: EntityChanges = { runtime, deletes: [], inserts: [], updates: [] };
    const ids = [...byId.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const change = byId.get(id)!;
      if (change.op === "delete") {
        entity.deletes.push(change.entity);
      } else {
        runtime.descriptor.validate(change.draft);
        if (change.op === "insert") entity.inserts.push(change.draft);
        else {
          const columns = runtime.descriptor.changes(change.source, change.draft);
          if (columns.length > 0) entity.updates.push({ draft: change.draft, source: change.source, columns });
        }
      }
    }
    if (entity.deletes.length + entity.inserts.length + entity.updates.length > 0) changes.push(entity);
  }
  const pools = new Map<string, EntityChanges[]>();
  for (const entity of changes) {
    const pool = entity.runtime.descriptor.mysqlPool;
    pools.set(pool, [...(pools.get(pool) ?? []), entity]);
  }
  return [...pools]
    .sort(([a], [b]) => compare(a, b))
    .map(([pool, entities]) => ({ pool, entities: entities.sort((a, b) => compare(a.runtime.descriptor.name, b.runtime.descriptor.name)) }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
