import { toFloat32 } from "./validate.js";

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

/** FLOAT (a double from the binary protocol) → the shortest decimal of its float32. */
export function rowFloat32(value: unknown): number | null {
  return value === null ? null : toFloat32(Number(value));
}

/** `YYYY-MM-DD` → Date at UTC midnight. */
export function rowDate(value: unknown): Date | null {
  if (value === null) return null;
  const s = value as string;
  return new Date(Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))));
}

/** `YYYY-MM-DD HH:MM:SS` → Date (UTC), parsed by hand: this runs for every cached read. */
export function rowDateTime(value: unknown): Date | null {
  if (value === null) return null;
  const s = value as string;
  return new Date(
    Date.UTC(
      Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)),
      Number(s.slice(11, 13)), Number(s.slice(14, 16)), Number(s.slice(17, 19)),
    ),
  );
}

/** blob (a Buffer from mysql2, or base64 from the cache) → Uint8Array. */
export function rowBytes(value: unknown): Uint8Array | null {
  if (value === null) return null;
  return typeof value === "string" ? new Uint8Array(Buffer.from(value, "base64")) : new Uint8Array(value as Uint8Array);
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
