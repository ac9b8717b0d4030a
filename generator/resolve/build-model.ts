import type { EntityModel, EnumModel, FieldModel, SchemaModel } from "../model.js";
import { mysqlTypeOf, tsTypeOf } from "./column-types.js";
import type { EntityDraft, FieldDraft } from "./drafts.js";
import type { ResolvedPools } from "./pools.js";

const ID_FIELD: FieldModel = {
  name: "id",
  column: "ID",
  type: { kind: "id" },
  nullable: false,
  unsigned: false,
  precision: undefined,
  default: undefined,
  cached: false,
  mysqlType: "bigint unsigned",
  tsType: "number",
  doc: undefined,
};

/** Assembles the read-only model from error-free drafts; undefined if a type is still missing. */
export function buildModel(
  fileNames: readonly string[],
  pools: ResolvedPools,
  enums: Iterable<EnumModel>,
  drafts: readonly EntityDraft[],
): SchemaModel | undefined {
  const entities: EntityModel[] = [];
  for (const draft of drafts) {
    const entity = buildEntity(draft);
    if (entity === undefined) return undefined;
    entities.push(entity);
  }
  return {
    files: [...fileNames].sort(compare),
    mysqlPools: pools.mysql,
    redisPools: pools.redis,
    enums: [...enums].sort((a, b) => compare(a.name, b.name)),
    entities: entities.sort((a, b) => compare(a.name, b.name)),
  };
}

function buildEntity(draft: EntityDraft): EntityModel | undefined {
  const fields: FieldModel[] = [ID_FIELD];
  for (const field of draft.fields) {
    const model = buildField(field);
    if (model === undefined) return undefined;
    fields.push(model);
  }
  const { settings } = draft;
  return {
    name: draft.name,
    table: settings.table,
    doc: draft.node.doc,
    file: draft.file,
    mysqlPool: settings.mysqlPool,
    redisCache: settings.redisCache,
    localCache: settings.localCache,
    cacheAll: settings.cacheAll,
    asyncQueue: settings.asyncQueue,
    log: settings.log === undefined ? undefined : { table: settings.log.table, mysqlPool: settings.log.mysqlPool },
    fields,
    indexes: draft.indexes.map(({ name, unique, fields: indexFields, cached, origin }) => ({
      name,
      unique,
      fields: indexFields,
      cached,
      origin,
      covered: origin === "reference" && draft.indexes.some((other) => other.origin !== "reference" && other.fields[0] === indexFields[0]),
    })),
  };
}

function buildField(field: FieldDraft): FieldModel | undefined {
  const type = field.type;
  if (type === undefined) return undefined;
  return {
    name: field.name,
    column: field.column,
    type,
    nullable: field.nullable,
    unsigned: field.unsigned,
    precision: field.precision,
    default: field.default,
    cached: field.cached,
    mysqlType: mysqlTypeOf(type, field.unsigned),
    tsType: tsTypeOf(type),
    doc: field.node.doc,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
