/**
 * Keys of cached index lookups. Values are encoded in their bound form; strings are folded
 * (lower case, no accents, no trailing spaces) so that keys agree with MySQL's case- and
 * accent-insensitive utf8mb4_unicode_ci comparisons.
 */
import type { IndexDescriptor } from "./entity-descriptor.js";

/** The lookup key of `values` (one per index column, in their bound `toRow` form). */
export function encodeIndexKey(values: readonly unknown[]): string {
  return JSON.stringify(values.map(fold));
}

/** The key of an entity's own values for `index`, from its `toRow` array. */
export function entityIndexKey(index: IndexDescriptor, row: readonly unknown[]): string {
  return encodeIndexKey(index.columns.map((column) => row[column] ?? null));
}

function fold(value: unknown): unknown {
  if (typeof value !== "string") return value ?? null;
  return value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/ +$/, "");
}
