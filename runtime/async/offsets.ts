/**
 * The offsets table `_beeorm_async_offsets`: per (queue, partition) the stream id of the last
 * applied event. A batch locks its partitions' rows, checks them and saves the new ids in the
 * same transaction as its rows (apply-batch.ts), which is what makes the consumer exactly-once.
 */
import type { MysqlPool, MysqlSession } from "../mysql-pool.js";
import { createTableSql, OFFSETS_TABLE, OFFSETS_TABLE_SPEC } from "../schema-sync/table-spec.js";

/** Created by the consumer when missing; the same table schema sync and schema.sql create. */
export const CREATE_OFFSETS_TABLE = createTableSql(OFFSETS_TABLE_SPEC, { ifNotExists: true });

const READ_OFFSET = `SELECT \`last_id\` FROM \`${OFFSETS_TABLE}\` WHERE \`queue\` = ? AND \`partition\` = ?`;
const SAVE_OFFSETS = `INSERT INTO \`${OFFSETS_TABLE}\` (\`queue\`, \`partition\`, \`last_id\`) VALUES `;
const SAVE_OFFSETS_UPDATE = " ON DUPLICATE KEY UPDATE `last_id` = VALUES(`last_id`)";

/**
 * Creates the offset rows of a queue's partitions (at "0-0") where missing, so that batches
 * lock existing rows: locking a missing one takes a gap lock, and first batches of several
 * partitions would deadlock on their inserts. Resolves to every partition's offset as read.
 */
export async function ensureOffsetRows(mysql: MysqlPool, queue: string, partitions: number): Promise<Map<number, string>> {
  const offsets = await readOffsets(mysql, queue);
  // Only the missing ones: an INSERT IGNORE of an existing row would wait for a batch holding its lock.
  const rows = Array.from({ length: partitions }, (_, partition) => [queue, partition, "0-0"]).filter((row) => !offsets.has(row[1] as number));
  if (rows.length > 0) await mysql.exec(`INSERT IGNORE INTO \`${OFFSETS_TABLE}\` (\`queue\`, \`partition\`, \`last_id\`) VALUES ?`, [rows]);
  for (const row of rows) if (!offsets.has(row[1] as number)) offsets.set(row[1] as number, "0-0");
  return offsets;
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

/**
 * Locks the offset rows of `partitions` (FOR UPDATE, in one statement, so in key order: two
 * transactions never take them in opposite orders) and returns the ids of the rows it locked.
 * Without `skipLocked`, a row another transaction holds is waited for until that one commits or
 * rolls back; with it, such a row is left out of the result (as is a missing one).
 */
export async function lockOffsets(session: MysqlSession, queue: string, partitions: readonly number[], skipLocked: boolean): Promise<Map<number, string>> {
  // Reads are prepared statements: pad the list to a power of two to keep their shapes few.
  let size = 1;
  while (size < partitions.length) size *= 2;
  const padded = Array.from({ length: size }, (_, i) => partitions[Math.min(i, partitions.length - 1)]!);
  const sql = `SELECT \`partition\`, \`last_id\` FROM \`${OFFSETS_TABLE}\` WHERE \`queue\` = ? AND \`partition\` IN (${padded.map(() => "?").join(", ")}) FOR UPDATE${skipLocked ? " SKIP LOCKED" : ""}`;
  const rows = await session.select(sql, [queue, ...padded]);
  return new Map(rows.map((row) => [Number(row[0]), String(row[1])]));
}

/**
 * Saves the new offsets of a transaction's batches in one statement: `INSERT INTO
 * _beeorm_async_offsets … VALUES (queue, partition, last_id), … ON DUPLICATE KEY UPDATE`, its
 * parameters one (queue, partition, last_id) triple per partition (tests recognise saves by this).
 */
export async function saveOffsets(session: MysqlSession, queue: string, offsets: readonly { partition: number; lastId: string }[]): Promise<void> {
  const sql = `${SAVE_OFFSETS}${offsets.map(() => "(?, ?, ?)").join(", ")}${SAVE_OFFSETS_UPDATE}`;
  await session.exec(sql, offsets.flatMap((o) => [queue, o.partition, o.lastId]));
}
