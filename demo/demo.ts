/**
 * `npm run demo`: a short tour of the generated API against the local MariaDB and Redis.
 * It creates its own empty databases (beeorm_demo, beeorm_demo_audit), creates the tables with
 * schema sync, and uses Redis database 0 under the schema's namespaces, cleared first.
 */
import mysql from "mysql2/promise";
import { Redis } from "ioredis";
import { createEngine, type Orm } from "../generated/index.js";
import type { Engine, QueryEvent } from "beeorm/runtime";

const SERVER = process.env.BEEORM_DEMO_MYSQL ?? "mysql://root@127.0.0.1:3306";
const REDIS = process.env.BEEORM_DEMO_REDIS ?? "redis://127.0.0.1:6379/0";
const DATABASES = { default: "beeorm_demo", audit: "beeorm_demo_audit" } as const;

/** A service the demo cannot reach: reported with its URL and how to start it. */
class Unreachable extends Error {
  constructor(
    readonly service: "MySQL" | "Redis",
    readonly url: string,
    cause: unknown,
  ) {
    super(`Cannot reach ${service} at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

async function main(): Promise<void> {
  await createDatabases().catch((error: unknown) => {
    throw isConnectionError(error) ? new Unreachable("MySQL", SERVER, error) : error;
  });
  await clearRedis().catch((error: unknown) => {
    throw new Unreachable("Redis", REDIS, error);
  });
  const engine = await createEngine({
    mysql: { default: `${SERVER}/${DATABASES.default}`, audit: `${SERVER}/${DATABASES.audit}` },
    redis: { default: REDIS, sessions: REDIS },
  });
  try {
    await tour(engine);
  } finally {
    await engine.close();
  }
}

async function tour(engine: Engine<Orm>): Promise<void> {
  const queries: QueryEvent[] = [];
  engine.onQuery((event) => queries.push(event));
  const step = async (title: string, work: () => Promise<unknown>): Promise<void> => {
    queries.length = 0;
    const result = await work();
    const count = (source: string): number => queries.filter((q) => q.source === source).length;
    console.log(`\n▶ ${title}`);
    console.log(`  → ${result === undefined ? "undefined" : JSON.stringify(result)}`);
    console.log(`  queries: ${count("mysql")} MySQL, ${count("redis")} Redis, ${count("local")} local cache`);
  };

  await step("schema sync on the empty databases: engine.getAlters(), then applyAlters()", async () => {
    const alters = await engine.getAlters();
    await engine.applyAlters(alters);
    return alters.map((a) => `${a.kind} ${a.pool}.${a.table}`);
  });
  await step("…and a second getAlters(): the databases match the schema", async () => (await engine.getAlters()).length);

  const orm = engine.newContext();
  orm.setMeta("user", "demo");
  let carsId = 0;
  let productId = 0;
  await step("create a category and a product, then flush (one transaction, one multi-row INSERT per table)", async () => {
    const cars = await orm.category.new({ name: "Cars", code: "cars" });
    const product = await orm.product.new({
      title: "Model T",
      price: 9.999,
      stock: 3,
      category: cars.id,
      createdAt: new Date(),
      sku: "T-1",
      tags: ["sale", "new"],
    });
    await orm.flush();
    carsId = cars.id;
    productId = product.id;
    return { category: cars.id, product: product.id, priceRoundedTo: product.price, tagsInSchemaOrder: product.tags };
  });

  const reader = engine.newContext();
  await step("getById: served from the local cache (0 MySQL, 0 Redis)", async () => (await reader.category.getById(carsId))?.name);
  await step("getByCode: a cached unique index (Redis hash → id, then the local cache)", async () => (await reader.category.getByCode("cars"))?.id);
  await step("getByCategory: a cached reference set (filled from MySQL once)", async () => (await reader.product.getByCategory(carsId)).map((p) => p.title));
  await step("getByCategory again: 0 MySQL queries", async () => (await reader.product.getByCategory(carsId)).length);
  await step("getById of a missing id: MySQL once, then cached as missing", async () => reader.category.getById(999_999));
  await step("…and again: 0 MySQL queries", async () => reader.category.getById(999_999));

  await step("edit, then flush: BEGIN, the row read FOR UPDATE, an UPDATE of the changed column only, COMMIT", async () => {
    const product = await orm.product.getById(productId);
    const draft = orm.product.edit(product!);
    draft.stock = 2;
    await orm.flush();
    return { stock: (await reader.product.getById(productId))?.stock };
  });

  await step("search with bound parameters (always MySQL)", async () =>
    (await reader.product.search("stock > ? AND title LIKE ?", [0, "Model%"])).map((p) => p.sku),
  );

  await step("delete, then flush: BEGIN, the row read FOR UPDATE (caches follow MySQL's row), DELETE, COMMIT", async () => {
    const product = await orm.product.getById(productId);
    orm.product.delete(product!);
    await orm.flush();
  });
  await step("getByCategory after the delete: the cached set followed, 0 MySQL queries", async () => (await reader.product.getByCategory(carsId)).length);

  let queuedId = 0;
  await step("flushAsync: validated and cached now, queued in Redis for MySQL (MySQL is asked only to seed the new id counter)", async () => {
    const brand = await orm.brand.new({ name: "Acme" });
    await orm.flushAsync();
    queuedId = brand.id;
    return { brand: brand.id };
  });
  await step("…readers see it at once, from the cache", async () => (await reader.brand.getById(queuedId))?.name);
  await step("the consumer applies the queued events to MySQL (the brand, and the product's log rows)", async () => engine.consumeAsyncFlushEvents({ block: false }));
  await step("getLogs: the product's change log (@log), with the context's meta and what changed", async () =>
    (await reader.product.getLogs(productId)).map((entry) => ({ meta: entry.meta, before: entry.before && Object.keys(entry.before), after: entry.after && Object.keys(entry.after) })),
  );
}

async function createDatabases(): Promise<void> {
  const connection = await mysql.createConnection({ uri: SERVER, multipleStatements: true });
  try {
    for (const database of Object.values(DATABASES)) {
      console.log(`creating the empty database ${database}`);
      await connection.query(`DROP DATABASE IF EXISTS \`${database}\`; CREATE DATABASE \`${database}\``);
    }
  } finally {
    await connection.end();
  }
}

async function clearRedis(): Promise<void> {
  const redis = new Redis(REDIS, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    for (const pattern of ["shop:*", "shop-sessions:*"]) {
      const keys = await redis.keys(pattern);
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return ["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "ER_ACCESS_DENIED_ERROR"].includes(code);
}

const START = {
  MySQL: "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
  Redis: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
};

main().catch((error: unknown) => {
  if (error instanceof Unreachable) {
    console.error(`\n${error.message}`);
    console.error(`Start ${error.service}, e.g.:\n  ${START[error.service]}`);
    console.error(`or point the demo elsewhere with ${error.service === "MySQL" ? "BEEORM_DEMO_MYSQL" : "BEEORM_DEMO_REDIS"}.`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
