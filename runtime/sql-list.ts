import type { SqlList } from "./entity-descriptor.js";

/** A list statement with `count` items, e.g. `DELETE … IN (?, ?, ?)`. */
export function expandSqlList(list: SqlList, count: number): string {
  let sql = list.prefix + list.item;
  for (let i = 1; i < count; i++) sql += list.separator + list.item;
  return sql + list.suffix;
}
