/**
 * A MySQL pool as the runtime uses it: statements with bound parameters (server-side prepared),
 * rows as arrays, errors that keep SQL, parameters and the caller's stack, and query logging.
 */
import { createPool, type ExecuteValues, type Pool, type PoolConnection, type ResultSetHeader } from "mysql2/promise";
import { DuplicateKeyError, QueryError } from "./errors.js";
import { sqlOperation, type QueryLog } from "./query-log.js";

/** Something statements run on: the pool itself or one connection inside a transaction. */
export interface MysqlSession {
  /** Runs a SELECT; rows come back as arrays in column order. */
  select(sql: string, params: readonly unknown[]): Promise<unknown[][]>;
  /** Runs INSERT / UPDATE / DELETE; resolves to the number of affected rows. */
  exec(sql: string, params: readonly unknown[]): Promise<number>;
}

export class MysqlPool implements MysqlSession {
  /** The mysql2 pool, for raw access (`engine.mysql(name).raw`). */
  readonly raw: Pool;

  constructor(
    readonly name: string,
    url: string,
    private readonly log: QueryLog,
  ) {
    this.raw = createPool({
      uri: url,
      charset: "utf8mb4",
      timezone: "Z",
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectionLimit: 10,
      maxIdle: 10,
      enableKeepAlive: true,
    });
  }

  select(sql: string, params: readonly unknown[]): Promise<unknown[][]> {
    return runSelect(this.raw, this.name, this.log, sql, params);
  }

  exec(sql: string, params: readonly unknown[]): Promise<number> {
    return runExec(this.raw, this.name, this.log, sql, params);
  }

  /** Runs `work` inside BEGIN … COMMIT on one connection; rolls back and rethrows on failure. */
  async transaction<T>(work: (session: MysqlSession) => Promise<T>): Promise<T> {
    const connection = await this.raw.getConnection();
    const session: MysqlSession = {
      select: (sql, params) => runSelect(connection, this.name, this.log, sql, params),
      exec: (sql, params) => runExec(connection, this.name, this.log, sql, params),
    };
    try {
      await control(connection, this.name, this.log, "BEGIN");
      const result = await work(session);
      await control(connection, this.name, this.log, "COMMIT");
      return result;
    } catch (error) {
      await control(connection, this.name, this.log, "ROLLBACK").catch(() => connection.destroy());
      throw error;
    } finally {
      connection.release();
    }
  }

  /** Closes every connection. */
  close(): Promise<void> {
    return this.raw.end();
  }
}

type Executor = Pool | PoolConnection;

async function runSelect(on: Executor, pool: string, log: QueryLog, sql: string, params: readonly unknown[]): Promise<unknown[][]> {
  const started = performance.now();
  const stack = new Error().stack;
  try {
    const [rows] = await on.execute({ sql, rowsAsArray: true }, params as ExecuteValues[]);
    if (log.active) logged(log, pool, sql, params, started);
    return rows as unknown[][];
  } catch (error) {
    throw failed(log, pool, sql, params, started, error, stack);
  }
}

async function runExec(on: Executor, pool: string, log: QueryLog, sql: string, params: readonly unknown[]): Promise<number> {
  const started = performance.now();
  const stack = new Error().stack;
  try {
    const [result] = await on.execute(sql, params as ExecuteValues[]);
    if (log.active) logged(log, pool, sql, params, started);
    return (result as ResultSetHeader).affectedRows;
  } catch (error) {
    throw failed(log, pool, sql, params, started, error, stack);
  }
}

async function control(on: PoolConnection, pool: string, log: QueryLog, sql: "BEGIN" | "COMMIT" | "ROLLBACK"): Promise<void> {
  const started = performance.now();
  const stack = new Error().stack;
  try {
    await on.query(sql);
    if (log.active) logged(log, pool, sql, [], started);
  } catch (error) {
    throw failed(log, pool, sql, [], started, error, stack);
  }
}

function logged(log: QueryLog, pool: string, sql: string, params: readonly unknown[], started: number): void {
  log.emit({ source: "mysql", pool, operation: sqlOperation(sql), query: sql, params, durationMs: performance.now() - started });
}

function failed(
  log: QueryLog, pool: string, sql: string, params: readonly unknown[], started: number, error: unknown, stack: string | undefined,
): QueryError {
  const wrapped = wrapMysqlError(sql, params, error);
  if (stack !== undefined) wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${stack.split("\n").slice(2).join("\n")}`;
  if (log.active) {
    log.emit({ source: "mysql", pool, operation: sqlOperation(sql), query: sql, params, durationMs: performance.now() - started, error: wrapped });
  }
  return wrapped;
}

/** A mysql2 error as QueryError, or DuplicateKeyError for error 1062. */
export function wrapMysqlError(sql: string, params: readonly unknown[], error: unknown): QueryError {
  const driver = error as { errno?: number; message?: string };
  const message = driver.message ?? String(error);
  if (driver.errno === 1062) {
    const match = /Duplicate entry '(.*)' for key '(?:[^'.]*\.)?([^']*)'/s.exec(message);
    if (match) return new DuplicateKeyError(sql, params, error, match[2]!, match[1]!);
  }
  return new QueryError(`${message}\n  while running: ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql}`, sql, params, error);
}
