/**
 * The drivers under an engine's pools, for what beeorm does not do itself. A separate entry point
 * (`beeorm/runtime/drivers`) so that generated code and `beeorm/runtime` never load the typings of
 * mysql2, ioredis and, through them, @types/node: type-checking a schema's generated code stays
 * proportional to the schema.
 */
import type { Redis } from "ioredis";
import type { Pool } from "mysql2/promise";
import type { Engine } from "./engine.js";

/**
 * The mysql2 promise pool of an engine's MySQL pool.
 *
 * @example
 * ```ts
 * const [rows] = await mysqlDriver(engine).query("SELECT COUNT(*) AS n FROM `Order`");
 * ```
 */
export function mysqlDriver(engine: Engine<unknown>, pool = "default"): Pool {
  return engine.mysql(pool).raw;
}

/**
 * The ioredis client of an engine's Redis pool. Keys beeorm writes start with the pool's namespace.
 *
 * @example
 * ```ts
 * await redisDriver(engine, "sessions").set("greeting", "hello");
 * ```
 */
export function redisDriver(engine: Engine<unknown>, pool = "default"): Redis {
  return engine.redis(pool).raw;
}
