/**
 * A MySQL pool as the runtime uses it: reads as server-side prepared statements (the binary
 * protocol returns FLOAT columns exactly), writes with values escaped by mysql2 (multi-row
 * INSERTs of every size would otherwise each leave a prepared statement on the server, against
 * max_prepared_stmt_count); rows as arrays; errors that keep SQL, parameters and the caller's
 * stack; query logging.
 * It drives mysql2's callback API directly: its promise wrapper captures a stack trace on every
 * call, which costs more than a fast query.
 */
import mysql, { type Pool, type PoolConnection, type QueryError as DriverError, type ResultSetHeader } from "mysql2";
import type { Pool as PromisePool } from "mysql2/promise";
import { DuplicateKeyError, QueryError } from "./errors.js";
import { sqlOperation, type QueryLog } from "./query-log.js";

/** Something statements run on: the pool itself or one connection inside a transaction. */
export interface MysqlSession {
  /** Runs a SELECT; rows come back as arrays in column order. */
  select(sql: string, params: readonly unknown[]): Promise<unknown[][]>;
  /** Runs INSERT / UPDATE / DELETE; resolves to the number of affected rows. */
  exec(sql: string, params: readonly unknown[]): Promise<number>;
}

type Executor = Pool | PoolConnection;

export class MysqlPool implements MysqlSession {
  private readonly pool: Pool;
  /**
   * @internal The mysql2 promise pool. Users reach it with `mysqlDriver(engine, name)` from
   * `beeorm/runtime/drivers`, so that the runtime's public types never load mysql2's typings.
   */
  readonly raw: PromisePool;

  constructor(
    readonly name: string,
    url: string,
    private readonly log: QueryLog,
  ) {
    this.pool = mysql.createPool({
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
    this.raw = this.pool.promise();
  }

  select(sql: string, params: readonly unknown[]): Promise<unknown[][]> {
    return statement(this.pool, this.name, this.log, sql, params, true) as Promise<unknown[][]>;
  }

  async exec(sql: string, params: readonly unknown[]): Promise<number> {
    return ((await statement(this.pool, this.name, this.log, sql, params, false)) as ResultSetHeader).affectedRows;
  }

  /** Runs `work` inside BEGIN … COMMIT on one connection; rolls back and rethrows on failure. */
  async transaction<T>(work: (session: MysqlSession) => Promise<T>): Promise<T> {
    const connection = await connect(this.pool, this.name, this.log);
    const session: MysqlSession = {
      select: (sql, params) => statement(connection, this.name, this.log, sql, params, true) as Promise<unknown[][]>,
      exec: async (sql, params) => ((await statement(connection, this.name, this.log, sql, params, false)) as ResultSetHeader).affectedRows,
    };
    try {
      await statement(connection, this.name, this.log, "BEGIN", [], false);
      const result = await work(session);
      await statement(connection, this.name, this.log, "COMMIT", [], false);
      return result;
    } catch (error) {
      await statement(connection, this.name, this.log, "ROLLBACK", [], false).catch(() => connection.destroy());
      throw error;
    } finally {
      connection.release();
    }
  }

  /** Closes every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => this.pool.end(() => resolve()));
  }
}

/**
 * Runs one statement. The QueryError is created here, after the await, so V8's async stack traces
 * give it the caller's frames (`at async …`) without capturing a stack on every call.
 */
async function statement(on: Executor, pool: string, log: QueryLog, sql: string, params: readonly unknown[], rows: boolean): Promise<unknown> {
  const started = log.active ? performance.now() : 0;
  let result: unknown;
  try {
    result = await new Promise<unknown>((resolve, reject) => {
      const done = (error: DriverError | null, value: unknown): void => (error ? reject(error) : resolve(value));
      if (rows) on.execute({ sql, rowsAsArray: true }, params as never, done);
      else on.query(sql, params as never, done);
    });
  } catch (error) {
    throw failed(log, pool, sql, params, started, error);
  }
  if (log.active) logged(log, pool, sql, params, started);
  return result;
}

async function connect(on: Pool, pool: string, log: QueryLog): Promise<PoolConnection> {
  try {
    return await new Promise<PoolConnection>((resolve, reject) => on.getConnection((error, c) => (error ? reject(error) : resolve(c))));
  } catch (error) {
    throw failed(log, pool, "(connect)", [], 0, error);
  }
}

function logged(log: QueryLog, pool: string, sql: string, params: readonly unknown[], started: number): void {
  log.emit({ source: "mysql", pool, operation: sqlOperation(sql), query: sql, params, durationMs: performance.now() - started });
}

function failed(log: QueryLog, pool: string, sql: string, params: readonly unknown[], started: number, error: unknown): QueryError {
  const wrapped = wrapMysqlError(sql, params, error);
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
