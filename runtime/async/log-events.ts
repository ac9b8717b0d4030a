/**
 * Log tables (`@log`): every insert, update and delete of a logged entity, by flush or by
 * flushAsync, queues one "l" event in the same MULTI as the flush's cache writes; the consumer
 * inserts it into `_log_<table>`. Before/After hold every column (but ID) for inserts and deletes
 * and only the changed columns for updates, in their `toRow` form, keyed by column name.
 *
 * The event goes to a queue applied in the log table's MySQL pool: the entity's own queue when
 * the log table sits beside the entity (so its rows commit with the entity's row, in order), else
 * the default queue of the log pool.
 */
import type { ChainableCommander } from "ioredis";
import { columnNames } from "../entity-descriptor.js";
import type { AnyDescriptor, EntityRuntime } from "../entity-runtime.js";
import type { RowChange } from "../flush/cache-writes.js";
import { encodeEvent, jsonSafe, type LogEvent, type LoggedValues } from "./events.js";
import { QueueKeys } from "./queue-keys.js";

/** The queue that carries an entity's log events, or undefined without `@log`. */
export function logQueueName(descriptor: AnyDescriptor): string | undefined {
  const log = descriptor.logTable;
  if (log === undefined) return undefined;
  return log.mysqlPool === descriptor.mysqlPool ? descriptor.asyncQueue : log.mysqlPool;
}

/** The log events of an entity's committed (or queued) row changes. */
function logEventsOf(descriptor: AnyDescriptor, rows: readonly RowChange[], meta: Readonly<Record<string, string>>, date: Date): LogEvent[] {
  const when = date.toISOString().slice(0, 19).replace("T", " ");
  const metaOrNull = Object.keys(meta).length > 0 ? meta : null;
  const names = columnNames(descriptor);
  const all = names.map((_, i) => i).slice(1);
  const values = (row: readonly unknown[], positions: readonly number[]): LoggedValues =>
    Object.fromEntries(positions.map((p) => [names[p]!, jsonSafe(row[p])]));
  const events: LogEvent[] = [];
  for (const { id, before, after, columns } of rows) {
    // A row that was gone before the statement ran changed nothing, so it is not logged.
    if (before === undefined && after === undefined) continue;
    const positions = columns ?? all;
    events.push({
      op: "l",
      entity: descriptor.name,
      id,
      date: when,
      meta: metaOrNull,
      before: before === undefined ? null : values(before, positions),
      after: after === undefined ? null : values(after, positions),
    });
  }
  return events;
}

/** Appends the log events of `rows` to a MULTI on the entity's queue pool; nothing without `@log`. */
export function appendLogEvents(tx: ChainableCommander, runtime: EntityRuntime, rows: readonly RowChange[], meta: Readonly<Record<string, string>>, date: Date): void {
  const queue = logQueueName(runtime.descriptor);
  if (queue === undefined) return;
  const keys = new QueueKeys(runtime.lookups.namespace, queue);
  for (const event of logEventsOf(runtime.descriptor, rows, meta, date)) {
    tx.xadd(keys.stream(QueueKeys.partitionOf(event.id)), "*", "e", encodeEvent(event));
  }
}
