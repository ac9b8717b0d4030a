/**
 * Applies batches of a queue's events to MySQL in one transaction, together with the offsets of
 * their partitions: the transaction first locks each partition's offset row and checks it still
 * holds the id the batch was read after, then writes the rows and saves the new offsets. Because
 * the offsets commit with the rows, a crash at any instant neither loses an event nor applies one
 * twice. One transaction may hold the batches of several partitions (group-commit.ts); their
 * events touch different rows (partitions split rows by id), so they need no order among them.
 *
 * Statements are merged where the result stays identical: consecutive inserts into one table
 * become multi-row INSERTs (rows in id order, which InnoDB appends fastest), consecutive deletes
 * one DELETE … IN, consecutive updates of one row one UPDATE, consecutive log rows of one entity one
 * INSERT into its log table.
 */
import type { EntityRuntime } from "../entity-runtime.js";
import type { MysqlPool, MysqlSession } from "../mysql-pool.js";
import { expandIn, insertRowsSql, quoteIdentifier, updateSql } from "../sql-list.js";
import type { AsyncEvent, LogEvent } from "./events.js";
import { lockOffsets, saveOffsets } from "./offsets.js";
import { columnNames } from "../entity-descriptor.js";

const MAX_PLACEHOLDERS = 65_535;
/** Rows per multi-row INSERT: enough to amortise a statement, small enough to start MySQL early (see applyBatches). */
const INSERT_ROWS = 1000;
/** Log rows per INSERT: their JSON may be large, and a statement must stay under max_allowed_packet. */
const LOG_ROWS = 200;

interface Statement {
  readonly sql: string;
  readonly params: unknown[];
}

/** Where a batch starts and ends in its partition's stream. */
export interface BatchOffset {
  readonly queue: string;
  readonly partition: number;
  /** The offset the batch was read after: MySQL must still hold it, or someone applied it already. */
  readonly expected: string;
  readonly lastId: string;
}

/** A partition's events, in stream order, and the offsets they move between. */
export interface Batch {
  readonly events: readonly AsyncEvent[];
  readonly offset: BatchOffset;
}

/** Applies one partition's `events` and moves its offset from `expected` to `lastId`, in one transaction. */
export function applyBatch(mysql: MysqlPool, runtimes: (entity: string) => EntityRuntime | undefined, events: readonly AsyncEvent[], offset: BatchOffset): Promise<void> {
  return applyBatches(mysql, runtimes, [{ events, offset }]);
}

/**
 * Applies `batches` (of one queue, one per partition) in one transaction that first locks their
 * offset rows. If any partition's offset is not its batch's `expected` (another consumer, or a
 * retry after a lost COMMIT reply, applied it already), nothing is written and StaleOffsetError
 * carries MySQL's offsets of those partitions.
 *
 * A lone batch waits for its offset row while another transaction holds it (e.g. a consumer
 * frozen past its lease, mid-batch). Several batches never wait there, or one partition would
 * stall the others: a row held elsewhere (or missing) fails them with BusyOffsetError, nothing
 * written, and those batches are then applied alone.
 */
export async function applyBatches(mysql: MysqlPool, runtimes: (entity: string) => EntityRuntime | undefined, batches: readonly Batch[]): Promise<void> {
  const queue = batches[0]!.offset.queue;
  if (batches.some((b) => b.offset.queue !== queue)) throw new Error("applyBatches: batches of two queues");
  const alone = batches.length === 1;
  const statements = batchStatements(runtimes, alone ? batches[0]!.events : batches.flatMap((b) => b.events));
  await mysql.transaction(async (session: MysqlSession) => {
    const partitions = batches.map((b) => b.offset.partition);
    const locked = await lockOffsets(session, queue, partitions, !alone);
    // Alone, a missing row is a partition nothing was applied to yet.
    const current = (partition: number): string | undefined => locked.get(partition) ?? (alone ? "0-0" : undefined);
    const busy = partitions.filter((p) => current(p) === undefined);
    if (busy.length > 0) throw new BusyOffsetError(busy);
    const stale = new Map<number, string>();
    for (const { offset } of batches) if (current(offset.partition) !== offset.expected) stale.set(offset.partition, current(offset.partition)!);
    if (stale.size > 0) throw new StaleOffsetError(stale);
    await writeStatements(session, statements);
    // Only once every row is written: an offset save is always the last statement before COMMIT.
    await saveOffsets(session, queue, batches.map((b) => b.offset));
  });
}

/** Escaping work between two yields to the event loop in writeStatements. */
const YIELD_AFTER_MS = 1;

/**
 * Runs the statements in order, each handed to the connection while MySQL still runs the ones
 * before. The driver escapes a statement when it is handed over (about a millisecond per
 * 1,000-row INSERT) and sends it as soon as the previous one completes. Handing them all over at
 * once would escape every one of them before the first reply is even read, MySQL idle meanwhile;
 * yielding to the event loop after each millisecond or so of escaping lets replies in, so
 * escaping overlaps MySQL's work (and small statements, escaped in microseconds, rarely yield).
 * After a failure no further statement is handed over; the transaction then rolls back.
 */
async function writeStatements(session: MysqlSession, statements: readonly Statement[]): Promise<void> {
  const sent: Promise<number>[] = [];
  let failed = false;
  let since = performance.now();
  for (const { sql, params } of statements) {
    if (failed) break;
    const done = session.exec(sql, params);
    done.catch(() => (failed = true)); // awaited below; until then not an unhandled rejection
    sent.push(done);
    if (sent.length < statements.length && performance.now() - since >= YIELD_AFTER_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
  await Promise.all(sent);
}

/** MySQL's offset of a partition moved past the batch: re-read from `current` of it. */
export class StaleOffsetError extends Error {
  override readonly name = "StaleOffsetError";

  /** MySQL's offset of each stale partition. */
  constructor(readonly stale: ReadonlyMap<number, string>) {
    super(`the offset of partition ${[...stale].map(([p, id]) => `${p} is ${id}`).join(", ")} already`);
  }

  /** MySQL's offset of `partition` (one of the stale ones). */
  current(partition: number): string {
    return this.stale.get(partition)!;
  }
}

/** The offset rows of `partitions` are locked by another transaction (or missing): apply their batches alone. */
export class BusyOffsetError extends Error {
  override readonly name = "BusyOffsetError";

  constructor(readonly partitions: readonly number[]) {
    super(`the offset rows of partitions ${partitions.join(", ")} are locked by another transaction`);
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
      while (j < events.length && same(events[j])) j++;
      // One run of inserts holds distinct rows (a repeated id fails in any order), so sorting it by
      // id changes nothing but the speed: InnoDB appends ascending keys without splitting pages.
      const run = (events.slice(i, j) as Extract<AsyncEvent, { op: "i" }>[]).sort((a, b) => a.id - b.id);
      const perStatement = Math.max(1, Math.min(INSERT_ROWS, Math.floor(MAX_PLACEHOLDERS / descriptor.ddl.columns.length)));
      for (let start = 0; start < run.length; start += perStatement) {
        const rows = run.slice(start, start + perStatement).map((e) => bind(e.row));
        statements.push({ sql: insertRowsSql(descriptor.sql.insert), params: [rows] });
      }
    } else if (event.op === "l") {
      // Log rows keep their order (their AUTO_INCREMENT ids tell the order of the changes).
      while (j < events.length && j - i < LOG_ROWS && same(events[j])) j++;
      const log = descriptor.logTable;
      if (log === undefined) throw new Error(`a log event of ${descriptor.name}, which has no @log table`);
      const rows = (events.slice(i, j) as LogEvent[]).map((e) => [e.id, e.date, json(e.meta), json(e.before), json(e.after)]);
      statements.push({ sql: `INSERT INTO ${quoteIdentifier(log.table)} (\`EntityID\`, \`Date\`, \`Meta\`, \`Before\`, \`After\`) VALUES ?`, params: [rows] });
    } else if (event.op === "d") {
      while (j < events.length && j - i < 10_000 && same(events[j])) j++;
      const ids = events.slice(i, j).map((e) => e.id);
      statements.push({ sql: expandIn(descriptor.sql.deleteByIds, ids.length), params: ids });
    } else if (event.op === "u") {
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
      statements.push({ sql: updateSql(descriptor.sql.update, columnNames(descriptor), columns), params: [...columns.map((c) => values.get(c)), event.id] });
    }
    i = j;
  }
  return statements;
}

/** A JSON column's value: the text of `value`, or NULL. */
function json(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** An event names an entity this build does not know (a malformed or foreign event). */
export class UnknownEntityError extends Error {
  override readonly name = "UnknownEntityError";

  constructor(readonly entity: string) {
    super(`unknown entity "${entity}" in a queued event`);
  }
}
