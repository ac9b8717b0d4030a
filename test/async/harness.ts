/**
 * Shared set-up of the async-flush tests: fresh databases from generated/schema.sql (one per
 * MySQL pool), a Redis database of the test's own, an engine of the example schema and helpers
 * to read MySQL and Redis directly.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import { createEngine, type Orm } from "../../generated/index.js";
import type { Engine } from "../../runtime/index.js";

const SERVER = process.env.BEEORM_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const REDIS = process.env.BEEORM_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface AsyncHarness {
  readonly databases: { readonly default: string; readonly audit: string };
  readonly redisUrl: string;
  readonly admin: mysql.Connection;
  readonly redis: Redis;
  /** A new engine on the test's databases (closed by `close()`). */
  engine(overrides?: { mysql?: Record<string, string> }): Promise<Engine<Orm>>;
  /** Rows of a table in the default database, with plain SQL. */
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function asyncHarness(name: string, redisDb: number): Promise<AsyncHarness> {
  const suffix = randomBytes(4).toString("hex");
  const databases = { default: `beeorm_as_${name}_${suffix}`, audit: `beeorm_as_${name}_audit_${suffix}` };
  const admin = await mysql.createConnection({ uri: SERVER, multipleStatements: true });
  const ddl = readFileSync(new URL("../../generated/schema.sql", import.meta.url), "utf8");
  for (const section of ddl.split(/^-- pool: /m).slice(1)) {
    const pool = section.slice(0, section.indexOf("\n")).trim() as keyof typeof databases;
    await admin.query(`CREATE DATABASE \`${databases[pool]}\`; USE \`${databases[pool]}\`; ${section.slice(section.indexOf("\n"))}`);
  }
  const redisUrl = `${REDIS}/${redisDb}`;
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const engines: Engine<Orm>[] = [];
  return {
    databases,
    redisUrl,
    admin,
    redis,
    async engine(overrides = {}) {
      const engine = await createEngine({
        mysql: { default: `${SERVER}/${databases.default}`, audit: `${SERVER}/${databases.audit}`, ...overrides.mysql },
        redis: { default: redisUrl, sessions: redisUrl },
      });
      engines.push(engine);
      return engine;
    },
    async rows(sql, params = []) {
      const [rows] = await admin.query({ sql: `/* ${databases.default} */ ${sql}` }, params);
      return rows as Record<string, unknown>[];
    },
    async close() {
      await Promise.all(engines.map((e) => e.close().catch(() => undefined)));
      await redis.flushdb();
      redis.disconnect();
      for (const db of Object.values(databases)) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await admin.end();
    },
  };
}
