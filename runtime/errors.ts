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
