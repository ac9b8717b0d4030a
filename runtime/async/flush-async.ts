/**
 * `orm.flushAsync()`: the same validation and cache writes as `flush()`, done now, and one event
 * per changed row (and one per `@log` row) appended to the entity's queue in the same MULTI as its cache writes — so when
 * it resolves, readers of every cache see the change and the event survives a crash of this
 * process; when it rejects, that pool's MULTI wrote nothing. MySQL sees the change when a
 * consumer applies the event.
 */
import type { OrmContext } from "../context.js";
import type { EntityRuntime } from "../entity-runtime.js";
import { writeCaches } from "../flush/cache-writes.js";
import { planFlush } from "../flush/plan.js";
import { idHighWaterKey } from "../keys.js";
import { encodeEvent, eventOf } from "./events.js";
import { appendLogEvents } from "./log-events.js";
import { QueueKeys } from "./queue-keys.js";

export async function flushAsyncContext(context: OrmContext): Promise<void> {
  if (context.tracked.size === 0) return;
  const changes = planFlush(context.tracked).flatMap((pool) => pool.entities);
  const date = new Date();
  await writeCaches(changes, (ids) => context.engine.invalidation.publish(ids), {
    localOnlyAfterRedis: true,
    extra: (change, rows) => {
      const runtime = change.runtime as EntityRuntime;
      const { descriptor, lookups } = runtime;
      const queue = new QueueKeys(lookups.namespace, descriptor.asyncQueue);
      const maxInserted = rows.reduce((max, row) => (row.before === undefined && row.after !== undefined ? Math.max(max, row.id) : max), 0);
      return {
        pool: lookups,
        append: (tx) => {
          for (const row of rows) tx.xadd(queue.stream(QueueKeys.partitionOf(row.id)), "*", "e", encodeEvent(eventOf(descriptor.name, row)));
          appendLogEvents(tx, runtime, rows, context.meta, date);
          // Ids queued but not yet in MySQL: a lost id counter re-seeds above them.
          if (maxInserted > 0) tx.zadd(idHighWaterKey(lookups.namespace), "GT", maxInserted, `${descriptor.mysqlPool}:${descriptor.table}`);
        },
      };
    },
  });
  context.tracked.clear();
}
