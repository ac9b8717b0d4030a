/** The async-flush figures of `npm run bench`: flushAsync, consumer throughput, end-to-end latency. */
import type { Redis } from "ioredis";
import type mysql from "mysql2/promise";
import type { createEngine } from "../../generated/index.js";
import { median, type Rate } from "./measure.js";

type Engine = Awaited<ReturnType<typeof createEngine>>;
const ROWS = 10_000;

/** flushAsync of 10,000 new rows vs a raw pipeline writing the same cache rows and queue entries. */
export async function flushAsyncInserts(engine: Engine, raw: mysql.Pool, redis: Redis, order: number, product: number): Promise<{ ours: Rate; limit: Rate }> {
  const ours: number[] = [];
  const limit: number[] = [];
  for (let round = 0; round < 4; round++) {
    const orm = engine.newContext();
    for (let i = 0; i < ROWS; i++) await orm.orderLine.new({ order, product, unitPrice: 9.99 });
    const t0 = performance.now();
    await orm.flushAsync();
    const t1 = performance.now();
    const pipeline = redis.multi();
    for (let i = 0; i < ROWS; i++) {
      const row = JSON.stringify([2_000_000 + i, order, product, 1, 9.99, null]);
      pipeline.set(`raw:row:${i}`, row);
      pipeline.sadd(`raw:set:${order}`, String(i));
      pipeline.xadd(`raw:q:${i % 16}`, "*", "e", `["i","OrderLine",${row}]`);
    }
    await pipeline.exec();
    const t2 = performance.now();
    await engine.consumeAsyncFlushEvents({ block: false });
    await redis.eval("for _, k in ipairs(redis.call('KEYS', 'raw:*')) do redis.call('DEL', k) end", 0);
    await raw.query("TRUNCATE TABLE `OrderLine`");
    if (round === 0) continue;
    ours.push(ROWS / ((t1 - t0) / 1000));
    limit.push(ROWS / ((t2 - t1) / 1000));
  }
  return { ours: { opsPerSecond: median(ours), rounds: ours }, limit: { opsPerSecond: median(limit), rounds: limit } };
}

/** Consumer throughput on 10,000 queued inserts vs raw multi-row INSERTs in 1,000-row transactions. */
export async function consumerInserts(engine: Engine, raw: mysql.Pool, order: number, product: number): Promise<{ ours: Rate; limit: Rate }> {
  const ours: number[] = [];
  const limit: number[] = [];
  // A round takes ~100 ms per side and MySQL's pace varies between rounds: a median of 7 steadies the ratio.
  for (let round = 0; round < 8; round++) {
    const orm = engine.newContext();
    for (let i = 0; i < ROWS; i++) await orm.orderLine.new({ order, product, unitPrice: 9.99 });
    await orm.flushAsync();
    const t0 = performance.now();
    await engine.consumeAsyncFlushEvents({ block: false, batchSize: 1000 });
    const t1 = performance.now();
    await raw.query("TRUNCATE TABLE `OrderLine`");
    const connection = await raw.getConnection();
    const t2 = performance.now();
    for (let start = 0; start < ROWS; start += 1000) {
      const rows = Array.from({ length: 1000 }, (_, i) => [3_000_000 + start + i, order, product, 1, 9.99, null]);
      await connection.query("BEGIN");
      await connection.query("INSERT INTO `OrderLine` (`ID`, `order`, `product`, `quantity`, `unitPrice`, `discount`) VALUES ?", [rows]);
      await connection.query("COMMIT");
    }
    const t3 = performance.now();
    connection.release();
    await raw.query("TRUNCATE TABLE `OrderLine`");
    if (round === 0) continue;
    ours.push(ROWS / ((t1 - t0) / 1000));
    limit.push(ROWS / ((t3 - t2) / 1000));
  }
  return { ours: { opsPerSecond: median(ours), rounds: ours }, limit: { opsPerSecond: median(limit), rounds: limit } };
}

/** flushAsync → row visible in MySQL with a blocking consumer: p50 / p99 in ms over `samples` rows. */
export async function asyncLatency(engine: Engine, raw: mysql.Pool, order: number, product: number, samples = 200): Promise<{ p50: number; p99: number }> {
  const controller = new AbortController();
  const consumer = engine.consumeAsyncFlushEvents({ block: true, signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const latencies: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const orm = engine.newContext();
      const line = await orm.orderLine.new({ order, product, unitPrice: 1 });
      const started = performance.now();
      await orm.flushAsync();
      for (;;) {
        const [rows] = await raw.query("SELECT 1 FROM `OrderLine` WHERE `ID` = ?", [line.id]);
        if ((rows as unknown[]).length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      latencies.push(performance.now() - started);
    }
  } finally {
    controller.abort();
    await consumer;
  }
  latencies.sort((a, b) => a - b);
  return { p50: latencies[Math.floor(samples * 0.5)]!, p99: latencies[Math.floor(samples * 0.99)]! };
}
