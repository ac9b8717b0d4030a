/**
 * `orm.flush()`: validate, run each pool's statements (in one transaction when there is more
 * than one), then write the caches and queue the rows of `@log` tables. Caches change only after
 * COMMIT; a failure leaves the context's uncommitted changes in place for a retry.
 */
import { appendLogEvents } from "../async/log-events.js";
import type { OrmContext } from "../context.js";
import type { EntityRuntime } from "../entity-runtime.js";
import { CacheWriteError } from "../errors.js";
import type { MysqlPool } from "../mysql-pool.js";
import { rowChanges, writeCaches } from "./cache-writes.js";
import { needsCurrentRows, readCurrentRows } from "./locked-read.js";
import { planFlush, type PoolChanges } from "./plan.js";
import { poolStatements, type Statement } from "./statements.js";

/**
 * Statement size budget: 90% of 4 MiB, the smallest max_allowed_packet default among supported
 * servers (MariaDB 10.11: 16 MiB, MySQL 8: 64 MiB). A single bigger row still goes alone.
 */
const MAX_STATEMENT_BYTES = Math.floor(4 * 1024 * 1024 * 0.9);

export async function flushContext(context: OrmContext): Promise<void> {
  if (context.tracked.size === 0) return;
  const pools = planFlush(context.tracked);
  const committed: PoolChanges[] = [];
  let failure: unknown;
  try {
    for (const changes of pools) {
      await commitPool(context.engine.mysql(changes.pool), changes);
      committed.push(changes);
    }
  } catch (error) {
    failure = error;
  }
  // What committed is in MySQL now: its caches must follow, and it must not be flushed again.
  for (const changes of committed) {
    for (const { runtime } of changes.entities) context.tracked.delete(runtime);
  }
  if (committed.length > 0) {
    try {
      const date = new Date();
      await writeCaches(
        committed.flatMap((c) => c.entities),
        (ids) => context.engine.invalidation.publish(ids),
        {
          // Log-table rows are queued with the cache writes; a consumer inserts them.
          extra: (change, rows) => {
            const runtime = change.runtime as EntityRuntime;
            if (runtime.descriptor.logTable === undefined) return undefined;
            return { pool: runtime.lookups, append: (tx) => appendLogEvents(tx, runtime, rows, context.meta, date) };
          },
        },
      );
    } catch (error) {
      // Redis still holds what these rows were before: drop those entries once it answers again.
      for (const change of committed.flatMap((c) => c.entities)) context.engine.cacheRepair.add(change.runtime as EntityRuntime, rowChanges(change));
      const message = "the entries it touched are dropped as soon as Redis answers, so reads fall back to MySQL";
      failure ??= error instanceof CacheWriteError ? new CacheWriteError(`MySQL committed, but ${error.message}; ${message}`, error.cause) : error;
    }
  }
  if (failure !== undefined) throw failure;
  context.tracked.clear();
}

/** Runs one pool's statements: alone, or in a transaction that first reads the rows caches need. */
async function commitPool(mysql: MysqlPool, changes: PoolChanges): Promise<void> {
  const statements: readonly Statement[] = poolStatements(changes, MAX_STATEMENT_BYTES);
  const reads = changes.entities.filter(needsCurrentRows);
  if (statements.length === 0) return;
  if (statements.length === 1 && reads.length === 0) {
    await mysql.exec(statements[0]!.sql, statements[0]!.params);
    return;
  }
  await mysql.transaction(async (session) => {
    for (const change of reads) await readCurrentRows(session, change);
    for (const { sql, params } of statements) await session.exec(sql, params);
  });
}
