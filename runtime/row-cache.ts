/** An entity's form in Redis: the JSON of its SQL row (`toRow`), byte arrays in base64. */
import type { EntityDescriptor } from "./entity-descriptor.js";

type Descriptor<D extends { id: number }> = EntityDescriptor<D, never>;

/** The cached text of `entity`. */
export function encodeRow<D extends { id: number }>(descriptor: Descriptor<D>, entity: D): string {
  return encodeRowValues(descriptor, descriptor.toRow(entity));
}

/** The cached text of a row in `toRow` form (the array may be changed in place). */
export function encodeRowValues<D extends { id: number }>(descriptor: Descriptor<D>, row: unknown[]): string {
  if (descriptor.hasBytes) {
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (value instanceof Uint8Array) row[i] = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
    }
  }
  return JSON.stringify(row);
}

/** The entity of a cached text (`fromRow` accepts both MySQL's and the cached forms). */
export function decodeRow<D extends { id: number }>(descriptor: Descriptor<D>, text: string): D {
  return descriptor.fromRow(JSON.parse(text) as unknown[]);
}
