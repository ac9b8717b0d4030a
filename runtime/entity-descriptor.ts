/**
 * What the runtime knows about an entity. beeorm-gen emits one descriptor per entity; the runtime
 * never reads the schema itself. Every function here is generated as straight-line code.
 */

/** SQL whose placeholder count depends on the number of rows or columns; joined by the runtime. */
export interface SqlList {
  /** Text before the list, e.g. "DELETE FROM `t` WHERE `ID` IN (". */
  readonly prefix: string;
  /** One list element, e.g. "?" or "(?, ?, ?)". */
  readonly item: string;
  /** Separator between elements. */
  readonly separator: string;
  /** Text after the list. */
  readonly suffix: string;
}

/** The prepared SQL of one entity, all values bound as `?`. */
export interface EntitySql {
  /** Multi-row INSERT of every column, the `id` first. */
  readonly insert: SqlList;
  readonly selectById: string;
  readonly selectByIds: SqlList;
  /** Every row, ordered by id. */
  readonly selectAll: string;
  /** Every id, ordered. */
  readonly selectAllIds: string;
  /** `SELECT <every column> FROM <table> `: the start of search queries. */
  readonly selectFrom: string;
  /** `SELECT `ID` FROM <table> `: the start of id searches. */
  readonly selectIdsFrom: string;
  /** `SELECT COUNT(*) FROM <table> `: the start of counts. */
  readonly countFrom: string;
  /** UPDATE of the changed columns: item `i` of `assignments` sets column `i`; the id binds last. */
  readonly update: { readonly prefix: string; readonly assignments: readonly string[]; readonly suffix: string };
  readonly deleteByIds: SqlList;
}

/** An index with its lookup SQL. */
export interface IndexDescriptor {
  readonly name: string;
  readonly unique: boolean;
  readonly cached: boolean;
  /** Column positions (into `EntityDescriptor.columns`), in index order. */
  readonly columns: readonly number[];
  /** SELECT of the matching rows' ids, ordered by id; nullable columns compared with `<=>`. */
  readonly selectIds: string;
  /** The same condition, selecting every column. */
  readonly selectRows: string;
}

/** Everything the runtime needs about one entity. `D` is its draft (mutable) type. */
export interface EntityDescriptor<D extends { id: number }, I = Partial<D>> {
  readonly name: string;
  readonly table: string;
  readonly mysqlPool: string;
  readonly redisCache: string | undefined;
  /** undefined = no local cache; 0 = unbounded. */
  readonly localCache: number | undefined;
  readonly cacheAll: boolean;
  readonly asyncQueue: string;
  readonly logTable: { readonly table: string; readonly mysqlPool: string } | undefined;
  /** Changes whenever the column layout changes; versions cached rows. */
  readonly schemaHash: string;
  /** True when a column holds bytes: readers then get copies, since byte arrays cannot be frozen. */
  readonly hasBytes: boolean;
  /** Column names, `ID` first. */
  readonly columns: readonly string[];
  readonly sql: EntitySql;
  readonly indexes: readonly IndexDescriptor[];
  /** A new draft with `id` and the input applied over the defaults. */
  create(id: number, input: I): D;
  /** Checks and normalises every field in place; throws ValidationError. */
  validate(draft: D): void;
  /** Bind values in column order. */
  toRow(entity: D): unknown[];
  /** Builds an entity from a mysql2 row array (columns in order). */
  fromRow(row: readonly unknown[]): D;
  /** A JSON-safe array in column order. */
  toCache(entity: D): unknown[];
  fromCache(values: readonly unknown[]): D;
  /** Positions of the columns whose values differ (sets compared as sets, dates by time). */
  changes(before: D, after: D): number[];
}

/** `T[]` → `readonly T[]`, other types unchanged (distributes over unions such as `T[] | null`). */
export type ReadonlyArrays<T> = T extends (infer U)[] ? readonly U[] : T;

/** An entity as loaders return it: every property read-only, arrays included. */
export type Frozen<D> = { readonly [K in keyof D]: ReadonlyArrays<D[K]> };

/** The argument of `new()`: every field but `id`, those in `K` (nullable or defaulted) optional. */
export type NewInput<D, K extends keyof D> = Omit<D, "id" | K> & Partial<Pick<D, K>>;
