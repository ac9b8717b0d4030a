/**
 * Value conversions called by the generated row and cache converters, one call per field.
 * Rows come from mysql2 with `rowsAsArray`, `dateStrings`, `supportBigNumbers` and `bigNumberStrings`.
 */

/** tinyint(1) → boolean. */
export function rowBool(value: unknown): boolean | null {
  return value === null ? null : Number(value) !== 0;
}

/** bigint unsigned id / reference (a string from mysql2) → number. */
export function rowId(value: unknown): number | null {
  return value === null ? null : Number(value);
}

/** int64 / uint64 → bigint. */
export function rowBigInt(value: unknown): bigint | null {
  return value === null ? null : BigInt(value as string | number);
}

/** decimal (a string from mysql2) / float / double → number. */
export function rowNumber(value: unknown): number | null {
  return value === null ? null : Number(value);
}

/** `YYYY-MM-DD` → Date at UTC midnight. */
export function rowDate(value: unknown): Date | null {
  return value === null ? null : new Date(`${value as string}T00:00:00Z`);
}

/** `YYYY-MM-DD HH:MM:SS` → Date (UTC). */
export function rowDateTime(value: unknown): Date | null {
  return value === null ? null : new Date(`${(value as string).replace(" ", "T")}Z`);
}

/** blob → Uint8Array. */
export function rowBytes(value: unknown): Uint8Array | null {
  return value === null ? null : new Uint8Array(value as Uint8Array);
}

/** SET `a,b` → ["a", "b"]. */
export function rowSet<E extends string>(value: unknown): E[] | null {
  if (value === null) return null;
  return value === "" ? [] : ((value as string).split(",") as E[]);
}

/** Date → `YYYY-MM-DD` for binding. */
export function bindDate(value: Date | null): string | null {
  return value === null ? null : value.toISOString().slice(0, 10);
}

/** Date → `YYYY-MM-DD HH:MM:SS` for binding. */
export function bindDateTime(value: Date | null): string | null {
  return value === null ? null : value.toISOString().slice(0, 19).replace("T", " ");
}

/** bigint → decimal string for binding and caching. */
export function bindBigInt(value: bigint | null): string | null {
  return value === null ? null : value.toString();
}

/** Enum array → SET text. */
export function bindSet(value: readonly string[] | null): string | null {
  return value === null ? null : value.join(",");
}

/** Date → epoch milliseconds (cache form). */
export function cacheDate(value: Date | null): number | null {
  return value === null ? null : value.getTime();
}

/** Epoch milliseconds → Date. */
export function uncacheDate(value: unknown): Date | null {
  return value === null ? null : new Date(value as number);
}

/** Bytes → base64 (cache form). */
export function cacheBytes(value: Uint8Array | null): string | null {
  return value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
}

/** base64 → bytes. */
export function uncacheBytes(value: unknown): Uint8Array | null {
  return value === null ? null : new Uint8Array(Buffer.from(value as string, "base64"));
}

/** Decimal string → bigint. */
export function uncacheBigInt(value: unknown): bigint | null {
  return value === null ? null : BigInt(value as string);
}

/** Dates equal by time (both may be null). */
export function sameDate(a: Date | null, b: Date | null): boolean {
  return a === b || (a !== null && b !== null && a.getTime() === b.getTime());
}

/** Byte arrays equal by content. */
export function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Enum arrays equal as sets: order and duplicates do not matter. */
export function sameSet(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const left = new Set(a);
  const right = new Set(b);
  if (left.size !== right.size) return false;
  for (const member of left) if (!right.has(member)) return false;
  return true;
}
