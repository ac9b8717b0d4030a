/**
 * An entity's table in the runtime's shape (runtime/schema-sync/table-spec.ts): what schema.sql
 * creates, what the descriptor's `ddl` carries and what `beeorm-gen migrate` compares.
 */
import { entityTable, type TableDdl, type TableSpec } from "../../runtime/schema-sync/table-spec.js";
import type { DefaultValue, EntityModel, FieldModel, SchemaModel } from "../model.js";
import type { TableOwner } from "../../runtime/schema-sync/expected.js";
import { quoteSqlString } from "./names.js";

/** Columns (aligned with the entity's fields) and the keys MySQL creates. */
export function tableDdl(entity: EntityModel): TableDdl {
  const columnOf = (name: string): string => entity.fields.find((f) => f.name === name)!.column;
  return {
    columns: entity.fields.map((f) => (f.default === undefined ? [f.column, f.mysqlType, f.nullable] : [f.column, f.mysqlType, f.nullable, defaultLiteral(f, f.default)])),
    // A covered reference index is served by the index its field leads: MySQL gets no index of its own.
    keys: entity.indexes.filter((index) => !index.covered).map((index) => [index.name, index.unique, index.fields.map(columnOf)]),
  };
}

/** The entity's table as a TableSpec. */
export function tableSpec(entity: EntityModel): TableSpec {
  return entityTable(entity.table, tableDdl(entity));
}

/** What the runtime's expectedTables() needs of each entity, straight from the model. */
export function tableOwners(model: SchemaModel): TableOwner[] {
  return model.entities.map((entity) => ({
    table: entity.table,
    mysqlPool: entity.mysqlPool,
    ddl: tableDdl(entity),
    logTable: entity.log === undefined ? undefined : { table: entity.log.table, mysqlPool: entity.log.mysqlPool },
  }));
}

/** The DEFAULT clause as MySQL prints it back: decimals to their scale, set members in enum order. */
function defaultLiteral(field: FieldModel, value: DefaultValue): string {
  switch (value.kind) {
    case "number":
      return field.type.kind === "decimal" ? Number(value.value).toFixed(field.type.scale) : value.value;
    case "bool":
      return value.value ? "1" : "0";
    case "string":
    case "enum":
      return quoteSqlString(value.value);
    case "set":
      return quoteSqlString(setInEnumOrder(field, value.values).join(","));
  }
}

/** Set members deduplicated and in the enum's order, as MySQL stores them. */
export function setInEnumOrder(field: FieldModel, members: readonly string[]): string[] {
  return field.type.kind === "set" ? field.type.values.filter((v) => members.includes(v)) : [...members];
}
