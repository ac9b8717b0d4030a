/**
 * Entities handed out by loaders are shared with the local cache, so they must be immutable:
 * objects and arrays are frozen, and dates are FrozenDates whose setters throw.
 */

const DATE_SETTERS = [
  "setDate", "setFullYear", "setHours", "setMilliseconds", "setMinutes", "setMonth", "setSeconds", "setTime",
  "setUTCDate", "setUTCFullYear", "setUTCHours", "setUTCMilliseconds", "setUTCMinutes", "setUTCMonth", "setUTCSeconds", "setYear",
] as const;

/** A Date whose setters throw: a cached entity's dates cannot be changed in place. */
export class FrozenDate extends Date {}
for (const setter of DATE_SETTERS) {
  Object.defineProperty(FrozenDate.prototype, setter, {
    value(): never {
      throw new TypeError(`Cannot ${setter} on a date of a cached entity; assign a new Date to a draft from edit() instead`);
    },
  });
}

/** Frozen entities that hold byte arrays: readers get copies of those (byte arrays cannot be frozen). */
const holdingBytes = new WeakSet<object>();

/**
 * Freezes a freshly built entity in place: dates become FrozenDates, arrays are frozen.
 * Byte arrays cannot be frozen; entities that hold some are copied on every read (see `forReader`).
 */
export function freezeEntity<E extends object>(entity: E): E {
  const record = entity as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (value === null || typeof value !== "object") continue;
    if (value instanceof Date) {
      if (!(value instanceof FrozenDate)) record[key] = new FrozenDate(value.getTime());
    } else if (Array.isArray(value)) Object.freeze(value);
    else if (value instanceof Uint8Array) holdingBytes.add(entity);
  }
  return Object.freeze(entity);
}

/** What a loader hands out: the shared frozen entity, or a copy with fresh byte arrays when it holds some. */
export function forReader<E extends object>(entity: E): E {
  return holdingBytes.has(entity) ? copyBytes(entity) : entity;
}

/** A frozen copy of a draft, safe to cache while the caller keeps the draft. */
export function frozenCopy<E extends object>(draft: E): E {
  const copy = { ...draft } as Record<string, unknown>;
  for (const key in copy) {
    const value = copy[key];
    if (Array.isArray(value)) copy[key] = [...value];
    else if (value instanceof Uint8Array) copy[key] = new Uint8Array(value);
  }
  return freezeEntity(copy as E);
}

/** A frozen entity with fresh copies of its byte arrays. */
function copyBytes<E extends object>(entity: E): E {
  const copy = { ...entity } as Record<string, unknown>;
  for (const key in copy) {
    const value = copy[key];
    if (value instanceof Uint8Array) copy[key] = new Uint8Array(value);
  }
  return Object.freeze(copy as E);
}

/** A mutable draft copy of an entity (for `edit` and `copy`). */
export function draftCopy<E extends object>(entity: E): E {
  const copy = { ...entity } as Record<string, unknown>;
  for (const key in copy) {
    const value = copy[key];
    if (Array.isArray(value)) copy[key] = [...value];
    else if (value instanceof Uint8Array) copy[key] = new Uint8Array(value);
    else if (value instanceof Date) copy[key] = new Date(value.getTime());
  }
  return copy as E;
}
