/** Everything an engine holds for one entity: its descriptor, pools, caches and key layout. */
import type { EntityDescriptor, IndexDescriptor } from "./entity-descriptor.js";
import type { IdAllocator } from "./id-allocator.js";
import { EntityKeys } from "./keys.js";
import { LocalCache } from "./local-cache.js";
import type { MysqlPool } from "./mysql-pool.js";
import type { RedisPool } from "./redis-pool.js";


export type AnyDescriptor = EntityDescriptor<any, any>;

export class EntityRuntime<D extends { id: number } = { id: number }> {
  /** In-process cache, when the entity has `@localCache`. */
  readonly local: LocalCache<D> | undefined;
  /** Redis holding the entity's rows, when it has `@redisCache`. */
  readonly rows: RedisPool | undefined;
  /** Key layout in `lookups` (and `rows`, which share its namespace when they are the same pool). */
  readonly keys: EntityKeys;
  readonly rowKeys: EntityKeys | undefined;
  /** Positions of byte-array columns: readers get copies of those. */
  readonly hasBytes: boolean;

  constructor(
    readonly descriptor: EntityDescriptor<D, unknown>,
    readonly mysql: MysqlPool,
    rows: RedisPool | undefined,
    /** Redis holding cached index lookups and id sets (the rows' pool, else `default`). */
    readonly lookups: RedisPool,
    readonly ids: IdAllocator,
    hasBytes: boolean,
  ) {
    this.local = descriptor.localCache === undefined ? undefined : new LocalCache<D>(descriptor.localCache);
    this.rows = rows;
    this.keys = new EntityKeys(lookups.namespace, descriptor.name, descriptor.schemaHash);
    this.rowKeys = rows === undefined ? undefined : new EntityKeys(rows.namespace, descriptor.name, descriptor.schemaHash);
    this.hasBytes = hasBytes;
  }

  /** The index at position `i` of the descriptor. */
  index(i: number): IndexDescriptor {
    return this.descriptor.indexes[i]!;
  }
}
