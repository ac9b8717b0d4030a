/**
 * `npm run bench`: the runtime's figures as ops/s and as a ratio to the raw driver doing the same
 * work in the same process, on the example schema (generated/). Uses its own databases
 * (bench_rt, bench_rt_audit) and Redis database 13; prints a table and writes .bench/runtime-results.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import mysql from "mysql2/promise";
import { Redis } from "ioredis";
import { createEngine } from "../../generated/index.js";
import { asyncLatency, consumerInserts, flushAsyncInserts } from "./async-figures.js";
import { compare, median, type Rate } from "./measure.js";

const SERVER = process.env.BEEORM_BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306";
const REDIS = process.env.BEEORM_BENCH_REDIS ?? "redis://127.0.0.1:6379/13";
const DB = { default: "bench_rt", audit: "bench_rt_audit" } as const;

interface Figure {
  readonly name: string;
  readonly limitName: string;
  readonly ours: number;
  readonly limit: number;
  readonly target: number;
}

const figures: Figure[] = [];
let latencyResult: { p50: number; p99: number } | undefined;
function record(name: string, limitName: string, result: { ours: Rate; limit: Rate }, target: number): void {
  const figure = { name, limitName, ours: result.ours.opsPerSecond, limit: result.limit.opsPerSecond, target };
  figures.push(figure);
  const ratio = figure.ours / figure.limit;
  console.log(`${name.padEnd(44)} ${fmt(figure.ours).padStart(12)} ops/s  vs ${limitName.padEnd(40)} ${fmt(figure.limit).padStart(12)} ops/s  = ${ratio.toFixed(2)}× (target ≥ ${target}×) ${ratio >= target ? "PASS" : "MISS"}`);
}

async function main(): Promise<void> {
  const admin = await mysql.createConnection({ uri: SERVER, multipleStatements: true });
  const ddl = readFileSync(new URL("../../generated/schema.sql", import.meta.url), "utf8");
  for (const section of ddl.split(/^-- pool: /m).slice(1)) {
    const pool = section.slice(0, section.indexOf("\n")).trim() as keyof typeof DB;
    await admin.query(`DROP DATABASE IF EXISTS \`${DB[pool]}\`; CREATE DATABASE \`${DB[pool]}\`; USE \`${DB[pool]}\`; ${section.slice(section.indexOf("\n"))}`);
  }
  const redis = new Redis(REDIS);
  await redis.flushdb();
  const rawMysql = mysql.createPool({ uri: `${SERVER}/${DB.default}`, connectionLimit: 10 });
  const engine = await createEngine({
    mysql: { default: `${SERVER}/${DB.default}`, audit: `${SERVER}/${DB.audit}` },
    redis: { default: REDIS, sessions: REDIS },
  });
  console.log(`beeorm runtime benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}\n`);
  try {
    const orm = engine.newContext();
    const category = await orm.category.new({ name: "Cars", code: "cars" });
    const customer = await orm.customer.new({ email: "ann@example.com", name: "Ann", country: "PL" });
    const products = [];
    for (let i = 0; i < 100; i++) {
      products.push(await orm.product.new({ title: `P${i}`, price: 9.99, stock: i, category: category.id, createdAt: new Date(), sku: `SKU${i}` }));
    }
    await orm.flush();
    const reader = engine.newContext();
    await reader.category.getById(category.id);
    const productIds = products.map((p) => p.id);
    const productKeys = (await redis.keys("shop:{Product:*")).filter((k) => /:\d+$/.test(k)).sort();
    const oneKey = productKeys[0]!;

    // 1. local-cache hit vs Map.get
    const map = new Map([[category.id, await reader.category.getById(category.id)]]);
    record(
      "getById, local-cache hit (sequential)", "Map.get (sequential await)",
      await compare(
        async () => { for (let i = 0; i < 1000; i++) await reader.category.getById(category.id); },
        async () => { for (let i = 0; i < 1000; i++) await map.get(category.id); },
        { opsPerCall: 1000 },
      ),
      0.25,
    );
    // 2. Redis hit, sequential
    record(
      "getById, Redis hit (sequential)", "ioredis GET (sequential)",
      await compare(() => reader.product.getById(productIds[0]!), () => redis.get(oneKey)),
      0.8,
    );
    // 3. Redis hit, 100 in flight
    record(
      "getById, Redis hit (100 in flight)", "ioredis GET (100 in flight)",
      await compare(
        () => Promise.all(productIds.map((id) => reader.product.getById(id))),
        () => Promise.all(productKeys.map((key) => redis.get(key))),
        { opsPerCall: 100 },
      ),
      0.7,
    );
    // 4. getByIds(100)
    record(
      "getByIds(100), Redis hits", "ioredis MGET of 100 keys",
      await compare(() => reader.product.getByIds(productIds), () => redis.mget(productKeys), { opsPerCall: 1 }),
      0.8,
    );
    // 5. cached unique lookup
    await reader.customer.getByEmail("ann@example.com");
    record(
      "cached unique lookup (getByEmail)", "ioredis GET (one round trip)",
      await compare(() => reader.customer.getByEmail("ann@example.com"), () => redis.get(oneKey)),
      0.6,
    );
    void customer;

    // 6. Flush of 10,000 new rows vs raw multi-row INSERT + raw Redis pipeline
    record("flush of 10,000 new rows (OrderLine)", "mysql2 INSERT in 1 tx + Redis pipeline", await flushInserts(engine, rawMysql, redis, category.id, productIds[0]!), 0.7);
    // 7. Flush of 1,000 updates vs raw UPDATEs in one transaction
    record("flush of 1,000 single-row updates", "mysql2 1,000 UPDATEs in 1 tx", await flushUpdates(engine, rawMysql), 0.8);

    // 8–10. FlushAsync and the consumer
    const setup = engine.newContext();
    const order = await setup.order.new({ customer: 1, total: 10, placedAt: new Date() });
    await setup.flush();
    await rawMysql.query("TRUNCATE TABLE `OrderLine`");
    record("flushAsync of 10,000 new rows", "Redis MULTI of the same rows + queue entries", await flushAsyncInserts(engine, rawMysql, redis, order.id, productIds[0]!), 0.7);
    record("consumer: rows applied/s (10,000 inserts)", "mysql2 INSERTs in 1,000-row transactions", await consumerInserts(engine, rawMysql, order.id, productIds[0]!), 0.7);
    const latency = await asyncLatency(engine, rawMysql, order.id, productIds[0]!);
    console.log(`flushAsync → row in MySQL (blocking consumer): p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`);
    latencyResult = latency;
  } finally {
    await engine.close();
    await rawMysql.end();
    await redis.flushdb();
    redis.disconnect();
    for (const name of Object.values(DB)) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
  mkdirSync(new URL("../../.bench/", import.meta.url), { recursive: true });
  writeFileSync(new URL("../../.bench/runtime-results.json", import.meta.url), JSON.stringify({ node: process.version, figures, asyncLatencyMs: latencyResult }, null, 2));
}

type Engine = Awaited<ReturnType<typeof createEngine>>;

async function flushInserts(engine: Engine, raw: mysql.Pool, redis: Redis, _category: number, product: number): Promise<{ ours: Rate; limit: Rate }> {
  const ROWS = 10_000;
  const ours: number[] = [];
  const limit: number[] = [];
  const orderContext = engine.newContext();
  const order = await orderContext.order.new({ customer: 1, total: 10, placedAt: new Date() });
  await orderContext.flush();
  for (let round = 0; round < 4; round++) {
    await raw.query("TRUNCATE TABLE `OrderLine`");
    // raw: the same rows as one multi-row INSERT in a transaction, plus a pipeline of SETs
    const rows = Array.from({ length: ROWS }, (_, i) => [1_000_000 + i, order.id, product, 1, 9.99, null]);
    const t0 = performance.now();
    const connection = await raw.getConnection();
    await connection.query("BEGIN");
    await connection.query("INSERT INTO `OrderLine` (`ID`, `order`, `product`, `quantity`, `unitPrice`, `discount`) VALUES ?", [rows]);
    await connection.query("COMMIT");
    connection.release();
    const pipeline = redis.pipeline();
    for (const row of rows) pipeline.set(`raw:${row[0]}`, JSON.stringify(row));
    await pipeline.exec();
    const t1 = performance.now();
    await raw.query("TRUNCATE TABLE `OrderLine`");
    const orm = engine.newContext();
    for (let i = 0; i < ROWS; i++) await orm.orderLine.new({ order: order.id, product, unitPrice: 9.99 });
    const t2 = performance.now();
    await orm.flush();
    const t3 = performance.now();
    if (round === 0) continue;
    limit.push(ROWS / ((t1 - t0) / 1000));
    ours.push(ROWS / ((t3 - t2) / 1000));
  }
  await redis.eval("for _, k in ipairs(redis.call('KEYS', 'raw:*')) do redis.call('DEL', k) end", 0);
  return { ours: { opsPerSecond: median(ours), rounds: ours }, limit: { opsPerSecond: median(limit), rounds: limit } };
}

async function flushUpdates(engine: Engine, raw: mysql.Pool): Promise<{ ours: Rate; limit: Rate }> {
  const COUNT = 1000;
  const [rows] = await raw.query("SELECT `ID` FROM `OrderLine` ORDER BY `ID` LIMIT 1000");
  const ids = (rows as { ID: number }[]).map((r) => Number(r.ID));
  const ours: number[] = [];
  const limit: number[] = [];
  for (let round = 0; round < 4; round++) {
    const t0 = performance.now();
    const connection = await raw.getConnection();
    await connection.query("BEGIN");
    for (const id of ids) await connection.execute("UPDATE `OrderLine` SET `quantity` = ? WHERE `ID` = ?", [round * 2 + 2, id]);
    await connection.query("COMMIT");
    connection.release();
    const t1 = performance.now();
    const orm = engine.newContext();
    const lines = await orm.orderLine.getByIds(ids);
    for (const line of lines) orm.orderLine.edit(line!).quantity = round * 2 + 3;
    const t2 = performance.now();
    await orm.flush();
    const t3 = performance.now();
    if (round === 0) continue;
    limit.push(COUNT / ((t1 - t0) / 1000));
    ours.push(COUNT / ((t3 - t2) / 1000));
  }
  return { ours: { opsPerSecond: median(ours), rounds: ours }, limit: { opsPerSecond: median(limit), rounds: limit } };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

await main();
