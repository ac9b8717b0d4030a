/**
 * Shared set-up of the runtime integration tests (real MariaDB/MySQL and Redis, never mocks).
 *
 * Each test file opens one harness: its own uniquely named MySQL database with the fixture's
 * schema.sql applied, its own Redis database number (FLUSHDB at the start and the end) and its
 * own key namespace, an engine over them, a recorder of the engine's query events, and plain
 * mysql2 / ioredis connections to read back what the runtime wrote.
 *
 * Why each file gets its own namespace: Redis pub/sub ignores the database number. The runtime's
 * invalidation channel names the DB (`<namespace>:beeorm:invalidate:<db>`), so engines of files on
 * other DBs no longer receive each other's invalidations; the per-file namespace keeps the files
 * apart anyway (key names in failures show which file wrote them).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import { Engine, type EngineOptions, type QueryEvent } from "beeorm/runtime";
import { EntityKeys, idCounterKey } from "../../runtime/keys.js";
import { Orm, schema } from "../fixtures/matrix/generated/index.js";

/** MySQL server of the tests (no database in the path). */
export const TEST_MYSQL_URL = process.env.BEEORM_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
/** Redis server of the tests (the database number is chosen per file). */
export const TEST_REDIS_URL = process.env.BEEORM_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const SCHEMA_SQL = new URL("../fixtures/matrix/generated/schema.sql", import.meta.url);

export type MatrixEngine = Engine<Orm>;

export interface Counts {
  mysql: number;
  redis: number;
  local: number;
}

/** Records every query event of the engines it is attached to. */
export class Recorder {
  readonly events: QueryEvent[] = [];
  private readonly detach: (() => void)[] = [];

  attach(engine: MatrixEngine): void {
    this.detach.push(engine.onQuery((event) => this.events.push(event)));
  }

  reset(): void {
    this.events.length = 0;
  }

  counts(): Counts {
    const counts: Counts = { mysql: 0, redis: 0, local: 0 };
    for (const event of this.events) counts[event.source]++;
    return counts;
  }

  of(source: QueryEvent["source"], operation?: string): QueryEvent[] {
    return this.events.filter((e) => e.source === source && (operation === undefined || e.operation === operation));
  }

  /** The MySQL statements, e.g. ["BEGIN", "INSERT", "COMMIT"]. */
  mysqlOps(): string[] {
    return this.of("mysql").map((e) => e.operation);
  }

  /** Runs `work` on a fresh recording and returns its value, counts and events. */
  async step<T>(work: () => Promise<T>): Promise<{ value: T; counts: Counts; events: QueryEvent[] }> {
    this.reset();
    const value = await work();
    const events = [...this.events];
    const counts = this.counts();
    this.reset();
    return { value, counts, events };
  }

  close(): void {
    for (const detach of this.detach.splice(0)) detach();
  }
}

export interface Harness {
  /** Short name of the test file, used in database names and the namespace. */
  readonly file: string;
  readonly database: string;
  readonly namespace: string;
  readonly mysqlUrl: string;
  readonly redisUrl: string;
  /** The engine under test, recorded by `rec`. */
  readonly engine: MatrixEngine;
  readonly rec: Recorder;
  /** A plain mysql2 connection to the test database (text protocol, dates and big numbers as strings). */
  readonly sql: Connection;
  /** A plain ioredis connection to the test Redis database. */
  readonly redis: Redis;
  /** Another engine (another "process") on the same databases; closed by `close()`. */
  newEngine(): Promise<MatrixEngine>;
  /** Rows of a plain SQL query as objects. */
  rows<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** `SELECT COUNT(*)` of a table. */
  count(table: string): Promise<number>;
  /** Ids of a table in order. */
  ids(table: string): Promise<number[]>;
  /** Every key of the test Redis DB with its value (strings, sorted sets members, hashes…), for before/after comparisons. */
  snapshot(): Promise<Map<string, string>>;
  /** The Redis key layout of an entity in this harness' namespace. */
  keys(entity: string): EntityKeys;
  /** The Redis id counter key of a table. */
  counterKey(table: string): string;
  /** FLUSHDB of the test Redis DB and clearing the local caches of every engine of the harness. */
  coldCaches(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the harness of one test file. `redisDb` must be unique among the test files that may run
 * in parallel (the repo uses 0 for the demo, 9 for the smoke test, 13 for the benchmark).
 */
export async function openHarness(file: string, redisDb: number): Promise<Harness> {
  const clean = file.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 20);
  const database = `beeorm_rt_${clean}_${randomBytes(4).toString("hex")}`;
  const namespace = `beeorm-rt-${clean}`;
  const server = new URL(TEST_MYSQL_URL);
  server.pathname = "";
  const mysqlUrl = new URL(`/${database}`, server).toString();
  const redisServer = new URL(TEST_REDIS_URL);
  redisServer.pathname = `/${redisDb}`;
  const redisUrl = redisServer.toString();

  const admin = await mysql.createConnection({ uri: server.toString(), multipleStatements: true });
  const ddl = poolSection(readFileSync(SCHEMA_SQL, "utf8"), "default");
  try {
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.query(`USE \`${database}\`; ${ddl}`);
  } finally {
    await admin.end();
  }
  const sql = await mysql.createConnection({
    uri: mysqlUrl,
    charset: "utf8mb4",
    timezone: "Z",
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  await redis.flushdb();

  const namespaced = {
    ...schema,
    redisPools: { ...schema.redisPools, default: { ...schema.redisPools.default!, namespace } },
  };
  const options: EngineOptions = { mysql: { default: mysqlUrl }, redis: { default: redisUrl } };
  const engines: MatrixEngine[] = [];
  const newEngine = async (): Promise<MatrixEngine> => {
    const engine = await Engine.create<Orm>(namespaced, (e) => new Orm(e), options);
    engines.push(engine);
    return engine;
  };
  const engine = await newEngine();
  const rec = new Recorder();
  rec.attach(engine);

  const rows = async <T>(query: string, params: unknown[] = []): Promise<T[]> => {
    const [result] = await sql.query<RowDataPacket[]>(query, params);
    return result as T[];
  };

  return {
    file,
    database,
    namespace,
    mysqlUrl,
    redisUrl,
    engine,
    rec,
    sql,
    redis,
    newEngine,
    rows,
    async count(table) {
      const [row] = await rows<{ n: number | string }>(`SELECT COUNT(*) AS n FROM \`${table}\``);
      return Number(row?.n ?? 0);
    },
    async ids(table) {
      return (await rows<{ ID: string }>(`SELECT ID FROM \`${table}\` ORDER BY ID`)).map((r) => Number(r.ID));
    },
    async snapshot() {
      const out = new Map<string, string>();
      for (const key of (await redis.keys("*")).sort()) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === "string") value = await redis.get(key);
        else if (type === "set") value = (await redis.smembers(key)).sort();
        else if (type === "hash") value = await redis.hgetall(key);
        else if (type === "list") value = await redis.lrange(key, 0, -1);
        else if (type === "zset") value = await redis.zrange(key, 0, -1, "WITHSCORES");
        else value = type;
        out.set(key, JSON.stringify(value));
      }
      return out;
    },
    keys(entity) {
      const descriptor = schema.entities.find((d) => d.name === entity);
      if (descriptor === undefined) throw new Error(`unknown entity ${entity}`);
      return new EntityKeys(namespace, descriptor.name, descriptor.schemaHash);
    },
    counterKey(table) {
      return idCounterKey(namespace, "default", table);
    },
    async coldCaches() {
      await redis.flushdb();
      for (const e of engines) e.clearLocalCaches();
    },
    async close() {
      rec.close();
      const errors: unknown[] = [];
      for (const e of engines.splice(0)) await e.close().catch((error: unknown) => errors.push(error));
      await redis.flushdb().catch((error: unknown) => errors.push(error));
      await redis.quit().catch(() => redis.disconnect());
      await sql.query(`DROP DATABASE IF EXISTS \`${database}\``).catch((error: unknown) => errors.push(error));
      await sql.end().catch(() => sql.destroy());
      if (errors.length > 0) throw errors[0];
    },
  };
}

/** The DDL of one `-- pool: NAME` section of a generated schema.sql. */
export function poolSection(sql: string, pool: string): string {
  for (const section of sql.split(/^-- pool: /m).slice(1)) {
    const newline = section.indexOf("\n");
    if (section.slice(0, newline).trim() === pool) return section.slice(newline + 1);
  }
  throw new Error(`schema.sql has no section for pool ${pool}`);
}

/** Polls `check` every few ms until it returns true or `timeoutMs` passes; returns whether it did. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 1000, everyMs = 5): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
