/**
 * Throw-away MariaDB databases for integration tests: every test gets its own uniquely named
 * database (`beeorm_t_<purpose>_<random>`) and drops it afterwards. Never a mock.
 */
import { randomBytes } from "node:crypto";
import mysql, { type Connection, type ConnectionOptions } from "mysql2/promise";

/** Server to test against, without a database: `BEEORM_TEST_MYSQL_URL`, else local root. */
export const TEST_MYSQL_URL = process.env.BEEORM_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";

export interface TestDatabase {
  /** The database's name, e.g. `beeorm_t_schema_1a2b3c4d`. */
  readonly name: string;
  /** A connection whose default database is `name` (`multipleStatements: true`). */
  readonly conn: Connection;
  /** Drops the database and closes the connection; safe to call twice. */
  drop(): Promise<void>;
}

/** A unique database name for `purpose` (letters, digits and `_` only). */
export function testDatabaseName(purpose: string): string {
  const clean = purpose.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 30);
  return `beeorm_t_${clean}_${randomBytes(4).toString("hex")}`;
}

/** Creates a fresh database and connects to it. */
export async function createTestDatabase(purpose: string, options: ConnectionOptions = {}): Promise<TestDatabase> {
  const name = testDatabaseName(purpose);
  const conn = await mysql.createConnection({ uri: serverUrl(), multipleStatements: true, ...options });
  try {
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.query(`USE \`${name}\``);
  } catch (error) {
    await conn.end();
    throw error;
  }
  let dropped = false;
  return {
    name,
    conn,
    async drop() {
      if (dropped) return;
      dropped = true;
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

/** The server URL with any database path removed. */
function serverUrl(): string {
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = "";
  return url.toString();
}
