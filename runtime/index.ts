/** The beeorm runtime: what generated code imports from `beeorm/runtime`. */
export { Engine, type EngineOptions } from "./engine.js";
export { OrmContext } from "./context.js";
export { Repository } from "./repository.js";
export { MysqlPool, type MysqlSession } from "./mysql-pool.js";
export { RedisPool } from "./redis-pool.js";
export { CacheWriteError, DuplicateKeyError, QueryError, ValidationError } from "./errors.js";
export type { QueryEvent, QueryListener } from "./query-log.js";
export type { Pager } from "./where.js";
export { FrozenDate } from "./frozen.js";
export { expandIn, expandInsert, updateSql } from "./sql-list.js";
export type { EntityDescriptor, EntitySql, Frozen, IndexDescriptor, NewInput, ReadonlyArrays } from "./entity-descriptor.js";
export type { SchemaDescriptor, PoolUrl } from "./schema-descriptor.js";
export * from "./validate.js";
export * from "./convert.js";
