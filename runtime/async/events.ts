/**
 * The events flushAsync queues: one per changed row, as compact JSON. They carry values in their
 * `toRow` form (bytes in base64), never SQL: the consumer builds the SQL from the descriptor of
 * its own build, so an event cannot inject anything and survives refactors of the SQL text.
 *
 *   ["i", entity, row]                    insert
 *   ["u", entity, [positions], row]       update of the columns at `positions` (row: as cached after it)
 *   ["d", entity, id]                     delete
 */
import type { RowChange } from "../flush/cache-writes.js";

export type AsyncEvent =
  | { readonly op: "i"; readonly entity: string; readonly id: number; readonly row: unknown[] }
  | { readonly op: "u"; readonly entity: string; readonly id: number; readonly columns: number[]; readonly row: unknown[] }
  | { readonly op: "d"; readonly entity: string; readonly id: number };

/** The event of one row change as the caches saw it. */
export function eventOf(entity: string, change: RowChange): AsyncEvent {
  if (change.after === undefined) return { op: "d", entity, id: change.id };
  if (change.columns === undefined) return { op: "i", entity, id: change.id, row: change.after.map(jsonSafe) };
  return { op: "u", entity, id: change.id, columns: [...change.columns], row: change.after.map(jsonSafe) };
}

/** Byte arrays as base64, as in the cache; `fromRow`'s converters accept both forms. */
function jsonSafe(value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") : value;
}

export function encodeEvent(event: AsyncEvent): string {
  switch (event.op) {
    case "i":
      return JSON.stringify(["i", event.entity, event.row]);
    case "u":
      return JSON.stringify(["u", event.entity, event.columns, event.row]);
    case "d":
      return JSON.stringify(["d", event.entity, event.id]);
  }
}

/** Parses an event; throws a descriptive Error for anything malformed (it goes to the dead letters). */
export function decodeEvent(text: string): AsyncEvent {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || typeof value[1] !== "string") throw new Error(`not an event: ${text.slice(0, 200)}`);
  const [op, entity] = value as [unknown, string];
  if (op === "i" && Array.isArray(value[2]) && isId(value[2][0])) return { op, entity, id: value[2][0], row: value[2] };
  if (op === "u" && Array.isArray(value[2]) && Array.isArray(value[3]) && isId(value[3][0])) {
    const columns = value[2] as unknown[];
    const row = value[3] as unknown[];
    if (columns.length > 0 && columns.every((c) => Number.isInteger(c) && (c as number) > 0 && (c as number) < row.length)) {
      return { op, entity, id: row[0] as number, columns: columns as number[], row };
    }
  }
  if (op === "d" && isId(value[2])) return { op, entity, id: value[2] };
  throw new Error(`malformed event: ${text.slice(0, 200)}`);
}

function isId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}
