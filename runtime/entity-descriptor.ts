/**
 * What the runtime knows about an entity. beeorm-gen emits one descriptor per entity; the runtime
 * never reads the schema itself. Every function here is generated as straight-line code.
 */
import type { TableDdl } from "./schema-sync/table-spec.js";

/** The prepared SQL of one entity, every value a bound `?`. */
export interface EntitySql {
  /** INSERT of every column for one row; more rows repeat its final `(?, …)` group. */
  readonly insert: string;
  readonly selectById: string;
  /** SELECT by ids, ending in `IN (?)`; more ids repeat the `?`. */
  readonly selectByIds: string;
  /** Every row, ordered by id. */
  readonly selectAll: string;
  /** Every id, ordered. */
  readonly selectAllIds: string;
  /** `SELECT <every column> FROM <table> `: the start of searches. */
  readonly selectFrom: string;
  /** `SELECT \`ID\` FROM <table> `: the start of id searches. */
  readonly selectIdsFrom: string;
  /** `SELECT COUNT(*) FROM <table> `: the start of counts. */
  readonly countFrom: string;
  /** `UPDATE <table> SET `: followed by `` `column` = ? `` per changed column and `` WHERE `ID` = ? ``. */
  readonly update: string;
  /** DELETE by ids, ending in `IN (?)`. */
  readonly deleteByIds: string;
}

/** An index and its lookup condition. Generated code writes `unique` and `cached` only when true. */
export interface IndexDescriptor {
  readonly name: string;
  readonly unique?: boolean;
  /** `@cached`: lookups by it are cached in Redis. */
  readonly cached?: boolean;
  /** Column positions (into the row, see `columnNames`), in index order. */
  readonly columns: readonly number[];
  /** What follows `WHERE ` in a lookup: nullable columns compared with `<=>`, ordered by id. */
  readonly where: string;
}

/**
 * Everything the runtime needs about one entity. `D` is its draft (mutable) type, `I` the input of
 * `new()`. Generated code leaves out the optional properties that keep their default (absent,
 * false).
 */
export interface EntityDescriptor<D extends { id: number }, I = Partial<D>> {
  readonly name: string;
  readonly table: string;
  readonly mysqlPool: string;
  /** The Redis pool rows are cached in (`@redisCache`); absent: none. */
  readonly redisCache?: string;
  /** Entries of the local cache (`@localCache`), 0 = unbounded; absent: none. */
  readonly localCache?: number;
  /** `@cacheAll`: the set of every id is cached. */
  readonly cacheAll?: boolean;
  readonly asyncQueue: string;
  /** The `@log` table and its MySQL pool; absent: none. */
  readonly logTable?: { readonly table: string; readonly mysqlPool: string };
  /** Changes whenever the column layout changes; versions cached rows. */
  readonly schemaHash: string;
  /** True when a column holds bytes: readers then get copies, since byte arrays cannot be frozen. */
  readonly hasBytes?: boolean;
  /** The table as schema sync expects it: each column's name, type, nullability and default, in row order, and the keys. */
  readonly ddl: TableDdl;
  readonly sql: EntitySql;
  readonly indexes: readonly IndexDescriptor[];
  /** A new draft with `id` and the input applied over the defaults. */
  create(id: number, input: I): D;
  /** Checks and normalises every field in place; throws ValidationError. */
  validate(draft: D): void;
  /**
   * The row in column order, as bound to SQL: dates as `YYYY-MM-DD[ HH:MM:SS]`, 64-bit integers
   * and sets as strings. The same array (bytes in base64) is the entity's JSON form in Redis.
   */
  toRow(entity: D): unknown[];
  /** Builds an entity from a mysql2 row array or from a cached row. */
  fromRow(row: readonly unknown[]): D;
  /** Positions of the columns whose values differ (sets compared as sets, dates by time). */
  changes(before: D, after: D): number[];
}

/** `T[]` → `readonly T[]`, other types unchanged (distributes over unions such as `T[] | null`). */
export type ReadonlyArrays<T> = T extends (infer U)[] ? readonly U[] : T;

/** An entity as loaders return it: every property read-only, arrays included. */
export type Frozen<D> = { readonly [K in keyof D]: ReadonlyArrays<D[K]> };

const names = new WeakMap<TableDdl, readonly string[]>();

/** The column names of an entity in row order, `ID` first (from its descriptor's `ddl`). */
export function columnNames(descriptor: { readonly ddl: TableDdl }): readonly string[] {
  let columns = names.get(descriptor.ddl);
  if (columns === undefined) {
    columns = descriptor.ddl.columns.map(([name]) => name);
    names.set(descriptor.ddl, columns);
  }
  return columns;
}
