/**
 * Applies a batch of one partition's events to MySQL in one transaction, together with the
 * partition's offset: consecutive inserts into one table become multi-row INSERTs, consecutive
 * deletes one DELETE … IN, consecutive updates of one row one UPDATE. Because the offset commits
 * with the rows, a crash at any instant neither loses an event nor applies one twice.
 */
import type { EntityRuntime } from "../entity-runtime.js";
import type { MysqlPool, MysqlSession } from "../mysql-pool.js";
import { expandIn, insertRowsSql, updateSql } from "../sql-list.js";
import type { AsyncEvent } from "./events.js";

/** The offsets table, one row per (queue, partition): the last applied stream id. */
export const OFFSETS_TABLE = "_beeorm_async_offsets";

export const CREATE_OFFSETS_TABLE = `CREATE TABLE IF NOT EXISTS \`${OFFSETS_TABLE}\` (
  \`queue\` varchar(100) NOT NULL,
  \`partition\` smallint unsigned NOT NULL,
  \`last_id\` varchar(40) NOT NULL,
  PRIMARY KEY (\`queue\`, \`partition\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;

const READ_OFFSET = `SELECT \`last_id\` FROM \`${OFFSETS_TABLE}\` WHERE \`queue\` = ? AND \`partition\` = ?`;
const LOCK_OFFSET = `${READ_OFFSET} FOR UPDATE`;
const SAVE_OFFSET = `INSERT INTO \`${OFFSETS_TABLE}\` (\`queue\`, \`partition\`, \`last_id\`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE \`last_id\` = VALUES(\`last_id\`)`;
const MAX_PLACEHOLDERS = 65_535;

interface Statement {
  readonly sql: string;
  readonly params: unknown[];
}

/**
 * Creates the offset rows of a queue's partitions (at "0-0") where missing, so that batches
 * lock existing rows: locking a missing one takes a gap lock, and first batches of several
 * partitions would deadlock on their inserts.
 */
export async function ensureOffsetRows(mysql: MysqlPool, queue: string, partitions: number): Promise<void> {
  // Only the missing ones: an INSERT IGNORE of an existing row would wait for a batch holding its lock.
  const existing = new Set((await mysql.select(`SELECT \`partition\` FROM \`${OFFSETS_TABLE}\` WHERE \`queue\` = ?`, [queue])).map((r) => Number(r[0])));
  const rows = Array.from({ length: partitions }, (_, partition) => [queue, partition, "0-0"]).filter((row) => !existing.has(row[1] as number));
  if (rows.length > 0) await mysql.exec(`INSERT IGNORE INTO \`${OFFSETS_TABLE}\` (\`queue\`, \`partition\`, \`last_id\`) VALUES ?`, [rows]);
}

/** The last applied stream id of every partition of `queue` that has one. */
export async function readOffsets(mysql: MysqlPool, queue: string): Promise<Map<number, string>> {
  const rows = await mysql.select(`SELECT \`partition\`, \`last_id\` FROM \`${OFFSETS_TABLE}\` WHERE \`queue\` = ?`, [queue]);
  return new Map(rows.map((row) => [Number(row[0]), String(row[1])]));
}

/** The last applied stream id of a partition ("0-0" when none). */
export async function readOffset(mysql: MysqlPool, queue: string, partition: number): Promise<string> {
  const [row] = await mysql.select(READ_OFFSET, [queue, partition]);
  return row === undefined ? "0-0" : String(row[0]);
}

/** Where a batch starts and ends in its partition's stream. */
export interface BatchOffset {
  readonly queue: string;
  readonly partition: number;
  /** The offset the batch was read after: MySQL must still hold it, or someone applied it already. */
  readonly expected: string;
  readonly lastId: string;
}

/**
 * Applies `events` and moves the offset from `expected` to `lastId`, in one transaction that
 * first locks the offset row. If MySQL's offset is not `expected` (another consumer, or a retry
 * after a lost COMMIT reply, applied these events already), nothing is written and
 * StaleOffsetError carries MySQL's offset.
 */
export async function applyBatch(
  mysql: MysqlPool,
  runtimes: (entity: string) => EntityRuntime | undefined,
  events: readonly AsyncEvent[],
  offset: BatchOffset,
): Promise<void> {
  const statements = batchStatements(runtimes, events);
  await mysql.transaction(async (session: MysqlSession) => {
    const [row] = await session.select(LOCK_OFFSET, [offset.queue, offset.partition]);
    const current = row === undefined ? "0-0" : String(row[0]);
    if (current !== offset.expected) throw new StaleOffsetError(current);
    for (const { sql, params } of statements) await session.exec(sql, params);
    await session.exec(SAVE_OFFSET, [offset.queue, offset.partition, offset.lastId]);
  });
}

/** MySQL's offset moved past the batch: re-read from `current`. */
export class StaleOffsetError extends Error {
  override readonly name = "StaleOffsetError";

  constructor(readonly current: string) {
    super(`the partition's offset is ${current} already`);
  }
}

/** The statements of `events`, merged where the result stays identical. Throws for an unknown entity. */
export function batchStatements(runtimes: (entity: string) => EntityRuntime | undefined, events: readonly AsyncEvent[]): Statement[] {
  const statements: Statement[] = [];
  let i = 0;
  while (i < events.length) {
    const event = events[i]!;
    const runtime = runtimes(event.entity);
    if (runtime === undefined) throw new UnknownEntityError(event.entity);
    const descriptor = runtime.descriptor;
    // Events hold rows in toRow form; only byte arrays (base64 in JSON) need converting back.
    const bind = (row: unknown[]): unknown[] => (descriptor.hasBytes ? descriptor.toRow(descriptor.fromRow(row)) : row);
    let j = i + 1;
    const same = (other: AsyncEvent | undefined): boolean => other !== undefined && other.op === event.op && other.entity === event.entity;
    if (event.op === "i") {
      const perStatement = Math.max(1, Math.floor(MAX_PLACEHOLDERS / descriptor.columns.length));
      while (j < events.length && j - i < perStatement && same(events[j])) j++;
      const rows = events.slice(i, j).map((e) => bind((e as Extract<AsyncEvent, { op: "i" }>).row));
      statements.push({ sql: insertRowsSql(descriptor.sql.insert), params: [rows] });
    } else if (event.op === "d") {
      while (j < events.length && j - i < 10_000 && same(events[j])) j++;
      const ids = events.slice(i, j).map((e) => e.id);
      statements.push({ sql: expandIn(descriptor.sql.deleteByIds, ids.length), params: ids });
    } else {
      // Consecutive updates of one row: each column takes the value of the last event that changed it.
      const values = new Map<number, unknown>();
      let k = i;
      for (; k < events.length; k++) {
        const next = events[k]!;
        if (!same(next) || next.id !== event.id) break;
        const update = next as Extract<AsyncEvent, { op: "u" }>;
        const row = bind(update.row);
        for (const c of update.columns) values.set(c, row[c]);
      }
      j = k;
      const columns = [...values.keys()].sort((a, b) => a - b);
      statements.push({ sql: updateSql(descriptor.sql.update, descriptor.columns, columns), params: [...columns.map((c) => values.get(c)), event.id] });
    }
    i = j;
  }
  return statements;
}

/** An event names an entity this build does not know (a malformed or foreign event). */
export class UnknownEntityError extends Error {
  override readonly name = "UnknownEntityError";

  constructor(readonly entity: string) {
    super(`unknown entity "${entity}" in a queued event`);
  }
}
