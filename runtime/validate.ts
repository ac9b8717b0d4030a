/**
 * Field checks called by the generated `validate()` of every entity, one call per field (for a
 * nullable field only when it is not null). Each returns the normalised value (rounded,
 * truncated, deduplicated) or throws ValidationError; null and undefined are rejected.
 */
import { ValidationError } from "./errors.js";

const MIN_DATE = Date.UTC(1000, 0, 1);
const MAX_DATE = Date.UTC(10000, 0, 1) - 1;
const TEXT_BYTES = 16_777_215;
const MAX_ID = Number.MAX_SAFE_INTEGER;

/** `bool` / `bool?`. */
export function checkBool(entity: string, field: string, value: unknown): boolean {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (typeof value !== "boolean") throw new ValidationError(entity, field, value, "must be a boolean");
  return value;
}

/** `int8` … `uint32`: a safe integer within [min, max]. */
export function checkInt(entity: string, field: string, value: unknown, min: number, max: number): number {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(entity, field, value, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** `int64` / `uint64`: a bigint within [min, max] (integral numbers are accepted and converted). */
export function checkBigInt(entity: string, field: string, value: unknown, min: bigint, max: bigint): bigint {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  const big = typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof big !== "bigint" || big < min || big > max) {
    throw new ValidationError(entity, field, value, `must be a bigint from ${min} to ${max}`);
  }
  return big;
}

/** An entity reference or id: a positive safe integer. */
export function checkReference(entity: string, field: string, value: unknown): number {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_ID) {
    throw new ValidationError(entity, field, value, `must be an id from 1 to ${MAX_ID}`);
  }
  return value;
}

/** `float32` / `float64`: finite, rounded to `precision` digits when given, not negative when unsigned; float32 as its column stores it. */
export function checkFloat(entity: string, field: string, value: unknown, bits: 32 | 64, precision: number | undefined, unsigned: boolean): number {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ValidationError(entity, field, value, "must be a finite number");
  if (unsigned && value < 0) throw new ValidationError(entity, field, value, "must not be negative");
  if (bits === 32 && Math.abs(value) > 3.402823466e38) throw new ValidationError(entity, field, value, "is out of range for float");
  const rounded = precision === undefined ? value : round(value, precision);
  return bits === 32 ? toFloat32(rounded) : rounded;
}

/** `decimal(p, s)`: rounded to `scale` digits, at most `precision - scale` digits before the point. */
export function checkDecimal(entity: string, field: string, value: unknown, precision: number, scale: number, unsigned: boolean): number {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ValidationError(entity, field, value, "must be a finite number");
  if (unsigned && value < 0) throw new ValidationError(entity, field, value, "must not be negative");
  const rounded = round(value, scale);
  if (Math.abs(rounded) >= 10 ** (precision - scale)) {
    throw new ValidationError(entity, field, value, `must have at most ${precision - scale} digits before the decimal point`);
  }
  return rounded;
}

/** `varchar(n)`: at most `max` characters (code points, as MySQL counts utf8mb4). */
export function checkVarchar(entity: string, field: string, value: unknown, max: number): string {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (typeof value !== "string") throw new ValidationError(entity, field, value, "must be a string");
  if (value.length > max && countCodePoints(value) > max) throw new ValidationError(entity, field, value, `must be at most ${max} characters`);
  return value;
}

/** `text`: a string of at most 16 MiB in UTF-8 (mediumtext). */
export function checkText(entity: string, field: string, value: unknown): string {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (typeof value !== "string") throw new ValidationError(entity, field, value, "must be a string");
  if (value.length > TEXT_BYTES / 4 && Buffer.byteLength(value) > TEXT_BYTES) {
    throw new ValidationError(entity, field, value, `must be at most ${TEXT_BYTES} bytes in UTF-8`);
  }
  return value;
}

/** `bytes`: a Uint8Array of at most `maxBytes`. */
export function checkBytes(entity: string, field: string, value: unknown, maxBytes: number): Uint8Array {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (!(value instanceof Uint8Array)) throw new ValidationError(entity, field, value, "must be a Uint8Array");
  if (value.length > maxBytes) throw new ValidationError(entity, field, value, `must be at most ${maxBytes} bytes`);
  return value;
}

/** `date`: a valid Date from year 1000 to 9999, truncated to the UTC day. */
export function checkDate(entity: string, field: string, value: unknown): Date {
  const time = dateTime(entity, field, value);
  return new Date(time - mod(time, 86_400_000));
}

/** `datetime`: a valid Date from year 1000 to 9999, truncated to the second. */
export function checkDateTime(entity: string, field: string, value: unknown): Date {
  const time = dateTime(entity, field, value);
  const ms = mod(time, 1000);
  return ms === 0 ? (value as Date) : new Date(time - ms);
}

/** An enum field: one of `values`. */
export function checkEnum<E extends string>(entity: string, field: string, value: unknown, values: readonly E[]): E {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (typeof value !== "string" || !values.includes(value as E)) {
    throw new ValidationError(entity, field, value, `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  return value as E;
}

/** An enum-array (SET) field: members of `values`, returned deduplicated in declaration order. */
export function checkSet<E extends string>(entity: string, field: string, value: unknown, values: readonly E[]): E[] {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  if (!Array.isArray(value)) throw new ValidationError(entity, field, value, "must be an array");
  for (const member of value) {
    if (typeof member !== "string" || !values.includes(member as E)) {
      throw new ValidationError(entity, field, value, `members must be among ${values.map((v) => JSON.stringify(v)).join(", ")}`);
    }
  }
  return values.filter((v) => value.includes(v));
}

/**
 * What a FLOAT column gives back for `value`: the nearest float32, written as the shortest decimal
 * that maps to it (1.2345678 → 1.2345678, 0.1 → 0.1, 16777217 → 16777216).
 */
export function toFloat32(value: number): number {
  const single = Math.fround(value);
  if (single === 0 || !Number.isFinite(single)) return single;
  for (let digits = 1; digits < 10; digits++) {
    const shortest = Number(single.toPrecision(digits));
    if (Math.fround(shortest) === single) return shortest;
  }
  return single;
}

function notNull(entity: string, field: string, value: unknown): ValidationError {
  return new ValidationError(entity, field, value, "must not be null");
}

function dateTime(entity: string, field: string, value: unknown): number {
  if (value === null || value === undefined) throw notNull(entity, field, value);
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(time)) throw new ValidationError(entity, field, value, "must be a valid Date");
  if (time < MIN_DATE || time > MAX_DATE) throw new ValidationError(entity, field, value, "must be from year 1000 to 9999");
  return time;
}

function round(value: number, digits: number): number {
  const text = String(Math.abs(value));
  if (text.includes("e")) return value;
  const rounded = Number(`${Math.round(Number(`${text}e${digits}`))}e-${digits}`);
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function countCodePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff) count++;
  }
  return count;
}
