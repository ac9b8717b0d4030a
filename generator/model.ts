/**
 * The resolved schema model: what the resolver produces from `.bee` files and what every emitter
 * reads. It is plain, read-only data: no spans, no AST nodes, every collection in a stated order,
 * so that emitting from it is a pure function.
 */

/** A connection URL as written in a pool declaration. */
export type UrlValue =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "env"; readonly name: string; readonly fallback: string | undefined };

/** `mysql NAME { url = … }` (or the implied `default` pool). */
export interface MysqlPoolModel {
  readonly name: string;
  readonly url: UrlValue;
  /** True when the pool was not declared and was implied with local defaults. */
  readonly implicit: boolean;
}

/** `redis NAME { url = …, namespace = "…" }` (or the implied `default` pool). */
export interface RedisPoolModel {
  readonly name: string;
  readonly url: UrlValue;
  /** Key prefix that keeps two applications on one Redis apart; "" when not declared. */
  readonly namespace: string;
  readonly implicit: boolean;
}

/** `enum NAME { … }`, values in declaration order. */
export interface EnumModel {
  readonly name: string;
  readonly values: readonly string[];
  readonly doc: string | undefined;
  /** Schema-relative path of the file that declares it, e.g. "shop.bee". */
  readonly file: string;
}

/** The type of a field, after resolution. */
export type FieldType =
  | { readonly kind: "id" }
  | { readonly kind: "bool" }
  | { readonly kind: "int"; readonly bits: 8 | 16 | 24 | 32 | 64; readonly unsigned: boolean }
  | { readonly kind: "float"; readonly bits: 32 | 64 }
  | { readonly kind: "decimal"; readonly precision: number; readonly scale: number }
  | { readonly kind: "varchar"; readonly length: number }
  | { readonly kind: "text" }
  | { readonly kind: "date" }
  | { readonly kind: "datetime" }
  | { readonly kind: "bytes"; readonly size: "blob" | "medium" | "long" }
  | { readonly kind: "enum"; readonly enumName: string; readonly values: readonly string[] }
  | { readonly kind: "set"; readonly enumName: string; readonly values: readonly string[] }
  | { readonly kind: "reference"; readonly entity: string };

/** A `@default(…)` value, already checked against the field's type. */
export type DefaultValue =
  | { readonly kind: "number"; readonly value: string }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "enum"; readonly value: string }
  | { readonly kind: "set"; readonly values: readonly string[] };

/** One field of an entity = one column of its table. */
export interface FieldModel {
  /** TypeScript property name (the DSL field name; `id` for the implicit key). */
  readonly name: string;
  /** MySQL column name (`@column`, else the field name; `ID` for the key). */
  readonly column: string;
  readonly type: FieldType;
  /** `?` in the DSL: NULL allowed. */
  readonly nullable: boolean;
  /** `@unsigned` (floats and decimals; integer types carry it in their type). */
  readonly unsigned: boolean;
  /** `@precision(n)`: digits after the point floats are rounded to. */
  readonly precision: number | undefined;
  /** `@default(…)`, or for a required enum its first value. */
  readonly default: DefaultValue | undefined;
  /** `@cached` on a reference: getBy<Field> is served from a cached id set. */
  readonly cached: boolean;
  /** The column's type as MySQL prints it, e.g. `varchar(100)`, `int unsigned`, `enum('a','b')`. */
  readonly mysqlType: string;
  /** The TypeScript type of the property (without `| null`), e.g. `number`, `Status`, `Tag[]`. */
  readonly tsType: string;
  readonly doc: string | undefined;
}

/** A unique or plain index (explicit, from a field attribute, or the implicit one on a reference). */
export interface IndexModel {
  /** Index name in MySQL; also names the loader (`getBy<Name>`). */
  readonly name: string;
  readonly unique: boolean;
  /** Field names, in index order. */
  readonly fields: readonly string[];
  /** Lookups by this index are served from Redis (unique → id, plain → id set). */
  readonly cached: boolean;
  /** How it was declared. */
  readonly origin: "field" | "block" | "reference";
  /**
   * A reference index whose field already leads another index: MySQL uses that one, so the DDL
   * creates no index of its own (the loader `getBy<Field>` still exists).
   */
  readonly covered: boolean;
}

/** `@log` / `@log("pool")`: a change-log table for the entity. */
export interface LogTableModel {
  readonly table: string;
  readonly mysqlPool: string;
}

export interface EntityModel {
  readonly name: string;
  readonly table: string;
  readonly doc: string | undefined;
  /** Schema-relative path of the declaring file, e.g. "shop.bee". */
  readonly file: string;
  readonly mysqlPool: string;
  /** Redis pool of the entity's cached rows, or undefined without `@redisCache`. */
  readonly redisCache: string | undefined;
  /** `@localCache(limit)`: undefined = no local cache; `limit` undefined = unbounded. */
  readonly localCache: { readonly limit: number | undefined } | undefined;
  readonly cacheAll: boolean;
  /** Async-flush queue: `@asyncQueue("name")`, else the MySQL pool's name. */
  readonly asyncQueue: string;
  readonly log: LogTableModel | undefined;
  /** All fields, the implicit `id` first, then in declaration order. */
  readonly fields: readonly FieldModel[];
  /** Every index in declaration order: field-level and block-level ones, then reference indexes. */
  readonly indexes: readonly IndexModel[];
}

export interface SchemaModel {
  /** Schema-relative paths of the source files, sorted. */
  readonly files: readonly string[];
  readonly mysqlPools: readonly MysqlPoolModel[];
  readonly redisPools: readonly RedisPoolModel[];
  /** Sorted by name. */
  readonly enums: readonly EnumModel[];
  /** Sorted by name. */
  readonly entities: readonly EntityModel[];
}
