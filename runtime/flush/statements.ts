/**
 * The SQL of one pool's changes: DELETE … IN, multi-row INSERTs and per-row UPDATEs of the
 * changed columns, in that order. Lists are chunked under MySQL's 65,535-placeholder limit and
 * the server's max_allowed_packet.
 */
import { expandIn, expandInsert, updateSql } from "../sql-list.js";
import type { PoolChanges } from "./plan.js";
import { columnNames } from "../entity-descriptor.js";

export interface Statement {
  readonly sql: string;
  readonly params: unknown[];
}

/** MySQL's limit of placeholders in one prepared statement. */
export const MAX_PLACEHOLDERS = 65_535;

/** The statements of `changes`; `maxPacketBytes` bounds the estimated size of each. */
export function poolStatements(changes: PoolChanges, maxPacketBytes: number): Statement[] {
  const statements: Statement[] = [];
  for (const { runtime, deletes } of changes.entities) {
    const sql = runtime.descriptor.sql.deleteByIds;
    for (const chunk of chunks(deletes.map((e) => e.id), MAX_PLACEHOLDERS, () => 24, maxPacketBytes)) {
      statements.push({ sql: expandIn(sql, chunk.length), params: chunk });
    }
  }
  for (const { runtime, inserts } of changes.entities) {
    const descriptor = runtime.descriptor;
    const rows = inserts.map((e) => descriptor.toRow(e));
    const perRow = Math.max(1, Math.floor(MAX_PLACEHOLDERS / descriptor.ddl.columns.length));
    for (const chunk of chunks(rows, perRow, rowBytes, maxPacketBytes)) {
      statements.push({ sql: expandInsert(descriptor.sql.insert, chunk.length), params: chunk.flat() });
    }
  }
  for (const { runtime, updates } of changes.entities) {
    const { sql } = runtime.descriptor;
    const names = columnNames(runtime.descriptor);
    for (const { draft, columns } of updates) {
      const row = runtime.descriptor.toRow(draft);
      statements.push({ sql: updateSql(sql.update, names, columns), params: [...columns.map((c) => row[c]), draft.id] });
    }
  }
  return statements;
}

/** Splits `items` into runs of at most `maxItems` whose estimated bytes stay under `maxBytes`. */
function* chunks<T>(items: readonly T[], maxItems: number, size: (item: T) => number, maxBytes: number): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 1024;
  for (const item of items) {
    const itemBytes = size(item);
    if (chunk.length > 0 && (chunk.length >= maxItems || bytes + itemBytes > maxBytes)) {
      yield chunk;
      chunk = [];
      bytes = 1024;
    }
    chunk.push(item);
    bytes += itemBytes;
  }
  if (chunk.length > 0) yield chunk;
}

/** A generous estimate of a row's size on the wire. */
function rowBytes(row: readonly unknown[]): number {
  let bytes = 0;
  for (const value of row) {
    if (typeof value === "string") bytes += value.length * 3 + 12;
    else if (value instanceof Uint8Array) bytes += value.length + 12;
    else bytes += 24;
  }
  return bytes;
}
