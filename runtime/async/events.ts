/**
 * The events flushAsync queues: one per changed row, as compact JSON. They carry values in their
 * `toRow` form (bytes in base64), never SQL: the consumer builds the SQL from the descriptor of
 * its own build, so an event cannot inject anything and survives refactors of the SQL text.
 *
 *   ["i", entity, row]                    insert
 *   ["u", entity, [positions], row]       update of the columns at `positions` (row: as cached after it)
 *   ["d", entity, id]                     delete
 *   ["l", entity, id, date, meta, before, after]
 *                                         a row of the entity's `@log` table (log-events.ts)
 */
import type { RowChange } from "../flush/cache-writes.js";

/** Column name → value (`toRow` form) of a log row's Before or After. */
export type LoggedValues = Readonly<Record<string, unknown>>;

export type AsyncEvent =
  | { readonly op: "i"; readonly entity: string; readonly id: number; readonly row: unknown[] }
  | { readonly op: "u"; readonly entity: string; readonly id: number; readonly columns: number[]; readonly row: unknown[] }
  | { readonly op: "d"; readonly entity: string; readonly id: number }
  | LogEvent;

/** One row for an entity's log table: when, the context's meta, and the values before and after. */
export interface LogEvent {
  readonly op: "l";
  readonly entity: string;
  readonly id: number;
  /** UTC, `YYYY-MM-DD HH:MM:SS`. */
  readonly date: string;
  readonly meta: Readonly<Record<string, string>> | null;
  readonly before: LoggedValues | null;
  readonly after: LoggedValues | null;
}

/** The event of one row change as the caches saw it. */
export function eventOf(entity: string, change: RowChange): AsyncEvent {
  if (change.after === undefined) return { op: "d", entity, id: change.id };
  if (change.columns === undefined) return { op: "i", entity, id: change.id, row: change.after.map(jsonSafe) };
  return { op: "u", entity, id: change.id, columns: [...change.columns], row: change.after.map(jsonSafe) };
}

/** Byte arrays as base64, as in the cache; `fromRow`'s converters accept both forms. */
export function jsonSafe(value: unknown): unknown {
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
    case "l":
      return JSON.stringify(["l", event.entity, event.id, event.date, event.meta, event.before, event.after]);
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
  if (op === "l" && isId(value[2]) && typeof value[3] === "string" && DATE.test(value[3]) && [value[4], value[5], value[6]].every(isObjectOrNull)) {
    const [meta, before, after] = value.slice(4, 7) as [Record<string, string> | null, LoggedValues | null, LoggedValues | null];
    return { op, entity, id: value[2], date: value[3], meta, before, after };
  }
  throw new Error(`malformed event: ${text.slice(0, 200)}`);
}

const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function isObjectOrNull(value: unknown): boolean {
  return value === null || (typeof value === "object" && !Array.isArray(value));
}

function isId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}
