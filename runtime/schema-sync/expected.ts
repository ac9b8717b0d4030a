/** The tables a schema expects in each MySQL pool: entity tables, log tables and the offsets table. */
import type { EntityDescriptor } from "../entity-descriptor.js";
import { entityTable, logTable, OFFSETS_TABLE_SPEC, type TableSpec } from "./table-spec.js";

/** The parts of an entity descriptor that say which tables it owns. */
export type TableOwner = Pick<EntityDescriptor<{ id: number }, never>, "table" | "ddl" | "mysqlPool" | "logTable">;

/**
 * Pool name → its tables, sorted by name. Every pool that holds an entity or a log table also
 * holds the offsets table, since the consumer applies queued writes there.
 */
export function expectedTables(owners: readonly TableOwner[]): Map<string, TableSpec[]> {
  const pools = new Map<string, TableSpec[]>();
  const add = (pool: string, spec: TableSpec): void => {
    const tables = pools.get(pool) ?? [OFFSETS_TABLE_SPEC];
    tables.push(spec);
    pools.set(pool, tables);
  };
  for (const owner of owners) {
    add(owner.mysqlPool, entityTable(owner.table, owner.ddl));
    if (owner.logTable !== undefined) add(owner.logTable.mysqlPool, logTable(owner.logTable.table));
  }
  for (const tables of pools.values()) tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return new Map([...pools].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
