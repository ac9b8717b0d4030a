/**
 * Reading an entity's log table back (`orm.<entity>.getLogs(id)`). Rows appear once a consumer
 * has applied their queued events (log-events.ts).
 */
import type { MysqlPool } from "./mysql-pool.js";
import { quoteIdentifier } from "./sql-list.js";
import { limitClause, type Pager } from "./where.js";

/** One row of a `@log` table. */
export interface LogEntry {
  /** The log row's own id: increasing in the order the changes were made. */
  readonly id: number;
  readonly entityId: number;
  /** When the flush ran (stored in UTC, to the second). */
  readonly date: Date;
  /** The context's `setMeta` values, or null when none were set. */
  readonly meta: Readonly<Record<string, string>> | null;
  /**
   * Column name → value as bound to SQL (dates as text, 64-bit integers and sets as strings, bytes in
   * base64): every column but ID for inserts (After) and deletes (Before), the changed ones for updates.
   */
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
}

/** The log rows of entity `id`, oldest first. */
export async function readLogs(mysql: MysqlPool, table: string, id: number, pager?: Pager): Promise<LogEntry[]> {
  const sql = `SELECT \`ID\`, \`Date\`, \`Meta\`, \`Before\`, \`After\` FROM ${quoteIdentifier(table)} WHERE \`EntityID\` = ? ORDER BY \`ID\`${limitClause(pager)}`;
  const rows = await mysql.select(sql, [id]);
  return rows.map(([logId, date, meta, before, after]) => ({
    id: Number(logId),
    entityId: id,
    date: new Date(`${String(date).replace(" ", "T")}Z`),
    meta: json(meta) as LogEntry["meta"],
    before: json(before) as LogEntry["before"],
    after: json(after) as LogEntry["after"],
  }));
}

/** MariaDB returns json columns as text; mysql2 parses MySQL 8's json type itself. */
function json(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : (value ?? null);
}
