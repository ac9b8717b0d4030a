/** Thrown by `flush()` / `flushAsync()` before any I/O when an entity holds a value its column cannot store. */
export class ValidationError extends Error {
  override readonly name = "ValidationError";

  constructor(
    /** Entity name, e.g. `Product`. */
    readonly entity: string,
    /** Field name, e.g. `price`. */
    readonly field: string,
    /** The rejected value. */
    readonly value: unknown,
    /** The rule it broke, e.g. `at most 100 characters`. */
    readonly rule: string,
  ) {
    super(`${entity}.${field}: ${describe(value)} is invalid: ${rule}`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `[${value.map(describe).join(", ")}]`;
  return String(value);
}

/** A MySQL statement failed. Keeps the SQL, its parameters and the driver's error. */
export class QueryError extends Error {
  override name = "QueryError";

  constructor(
    message: string,
    /** The SQL text as sent, with `?` placeholders. */
    readonly sql: string,
    /** The bound values. */
    readonly params: readonly unknown[],
    /** The mysql2 error (with `code`, `errno`, `sqlState`). */
    override readonly cause: unknown,
  ) {
    super(message, { cause });
  }
}

/** An INSERT or UPDATE broke a unique index (MySQL error 1062). */
export class DuplicateKeyError extends QueryError {
  override name = "DuplicateKeyError";

  constructor(
    sql: string,
    params: readonly unknown[],
    cause: unknown,
    /** The index, e.g. `code` or `TitleInCategory` (`PRIMARY` for the id). */
    readonly index: string,
    /** The duplicated key as MySQL printed it, e.g. `cars` or `Model T-12`. */
    readonly value: string,
  ) {
    super(`duplicate key: ${JSON.stringify(value)} already exists in unique index ${index}`, sql, params, cause);
  }
}

/** MySQL committed but writing the caches failed; the affected cache entries were dropped where possible. */
export class CacheWriteError extends Error {
  override readonly name = "CacheWriteError";

  constructor(message: string, override readonly cause: unknown) {
    super(message, { cause });
  }
}
