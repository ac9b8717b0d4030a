/** Everything an engine holds for one entity: its descriptor, pools, caches and key layout. */
import { DecodeMemo } from "./decode-memo.js";
import type { EntityDescriptor, IndexDescriptor } from "./entity-descriptor.js";
import type { IdAllocator } from "./id-allocator.js";
import { EntityKeys } from "./keys.js";
import { LocalCache } from "./local-cache.js";
import type { MysqlPool } from "./mysql-pool.js";
import type { RedisPool } from "./redis-pool.js";


export type AnyDescriptor = EntityDescriptor<any, any>;

/** Decoded Redis rows kept per entity type (two generations of this many). */
const DECODE_MEMO_SIZE = 4096;

export class EntityRuntime<D extends { id: number } = { id: number }> {
  /** In-process cache, when the entity has `@localCache`. */
  readonly local: LocalCache<D> | undefined;
  /** Redis holding the entity's rows, when it has `@redisCache`. */
  readonly rows: RedisPool | undefined;
  /** Key layout in `lookups` (and `rows`, which share its namespace when they are the same pool). */
  readonly keys: EntityKeys;
  readonly rowKeys: EntityKeys | undefined;
  /** True when readers get copies (the entity has byte arrays, which cannot be frozen). */
  readonly hasBytes: boolean;
  /** Frozen entities by the Redis text they were decoded from. */
  readonly decoded = new DecodeMemo<D>(DECODE_MEMO_SIZE);
  /** Per index: SELECT of the matching ids, and of the matching rows. */
  readonly indexSql: readonly { readonly ids: string; readonly rows: string }[];

  constructor(
    readonly descriptor: EntityDescriptor<D, never>,
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
    this.indexSql = descriptor.indexes.map((index) => ({
      ids: `${descriptor.sql.selectIdsFrom}WHERE ${index.where}`,
      rows: `${descriptor.sql.selectFrom}WHERE ${index.where}`,
    }));
  }

  /** The index at position `i` of the descriptor. */
  index(i: number): IndexDescriptor {
    return this.descriptor.indexes[i]!;
  }
}
