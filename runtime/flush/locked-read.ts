/**
 * Inside a flush's transaction, before its statements: the current rows of the ids it updates or
 * deletes, locked (FOR UPDATE). Caches are then written from MySQL's truth, not from the copy the
 * caller edited, which may be stale (another process may have changed other columns meanwhile).
 */
import type { EntityRuntime } from "../entity-runtime.js";
import type { MysqlSession } from "../mysql-pool.js";
import { selectIn } from "../sql-list.js";
import type { EntityChanges } from "./plan.js";

const CHUNK = 4_096;

/** Whether a flush must know the current rows of this entity to keep its caches right. */
export function needsCurrentRows(change: EntityChanges): boolean {
  const { descriptor, local, rows } = change.runtime as EntityRuntime;
  if (change.updates.length + change.deletes.length === 0) return false;
  return local !== undefined || rows !== undefined || descriptor.cacheAll || descriptor.indexes.some((index) => index.cached);
}

/** Reads and locks the current rows of the updated and deleted ids into `change.current`. */
export async function readCurrentRows(session: MysqlSession, change: EntityChanges): Promise<void> {
  const { descriptor } = change.runtime;
  const ids = [...change.deletes.map((e) => e.id), ...change.updates.map((u) => u.draft.id)];
  const current = new Map<number, { id: number }>();
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    const query = selectIn(descriptor.sql.selectByIds, chunk);
    const rows = await session.select(`${query.sql} FOR UPDATE`, query.params);
    for (const row of rows) {
      const entity = descriptor.fromRow(row);
      current.set(entity.id, entity);
    }
  }
  change.current = current;
}
