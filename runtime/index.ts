/** The beeorm runtime: what generated code imports from `beeorm/runtime`. */
export { ValidationError } from "./errors.js";
export type { EntityDescriptor, EntitySql, Frozen, IndexDescriptor, NewInput, ReadonlyArrays, SqlList } from "./entity-descriptor.js";
export * from "./validate.js";
export * from "./convert.js";
export type { SchemaDescriptor, PoolUrl } from "./schema-descriptor.js";
