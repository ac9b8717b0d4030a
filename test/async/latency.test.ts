/**
 * Blocking-mode latency: a consumer waiting on blocking Redis reads applies a flushAsync'd row
 * within milliseconds, not after a polling interval. Loose bounds (median < 100 ms, max < 1 s on
 * a small shared box): they catch a consumer that polls, not a slow one.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "beeorm/runtime";
import { brandEntity, type Orm } from "../../generated/index.js";
import { buildEngine, createDatabases, expectQueueDrained, percentile, RedisServer, sleep, type Databases } from "./support.js";

const ROUNDS = 50;

let server: RedisServer;
let redis: Redis;
let db: Databases;
let producer: Engine<Orm>;
let consumer: Engine<Orm>;

beforeAll(async () => {
  server = new RedisServer();
  await server.start();
  redis = new Redis(server.url);
  db = await createDatabases("latency");
  producer = await buildEngine({ mysql: db.urls(), redis: server.url });
  consumer = await buildEngine({ mysql: db.urls(), redis: server.url });
});

afterAll(async () => {
  await producer?.close();
  await consumer?.close();
  redis?.disconnect();
  await server?.destroy();
  await db?.drop();
});

describe("a blocking consumer", () => {
  it(`applies a flushAsync'd row within ~100 ms (${ROUNDS} round trips)`, { timeout: 60_000 }, async () => {
    const controller = new AbortController();
    const consuming = consumer.consumeAsyncFlushEvents({ block: true, signal: controller.signal });
    const exists = async (id: number): Promise<boolean> => (await db.rows("SELECT 1 FROM brands WHERE ID = ?", [id])).length > 0;

    /** flushAsync of one new brand, then plain-SQL polls every 2 ms until MySQL has it: ms from flushAsync resolving. */
    async function roundTrip(name: string): Promise<{ id: number; ms: number }> {
      const orm = producer.newContext();
      const brand = await orm.brand.new({ name });
      await orm.flushAsync();
      const started = performance.now();
      while (!(await exists(brand.id))) {
        if (performance.now() - started > 5_000) throw new Error(`brand ${brand.id} not in MySQL 5 s after flushAsync`);
        await sleep(2);
      }
      return { id: brand.id, ms: performance.now() - started };
    }

    await roundTrip("warm-up");
    const samples: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await sleep(Math.floor(Math.random() * 20)); // let the consumer settle into its blocking read
      const { id, ms } = await roundTrip(`brand-${i}`);
      samples.push(ms);
      ids.push(id);
    }
    controller.abort();
    const result = await consuming;

    const sorted = [...samples].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    console.log(`flushAsync → row in MySQL (blocking consumer), ${ROUNDS} rounds: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
    expect(p50).toBeLessThan(100);
    expect(sorted.at(-1)!).toBeLessThan(1000);

    expect(result).toEqual({ applied: ROUNDS + 1, deadLettered: 0 });
    expect(await db.rows("SELECT ID, name FROM brands WHERE name LIKE 'brand-%' ORDER BY ID")).toEqual(ids.map((id, i) => ({ ID: id, name: `brand-${i}` })));
    await expectQueueDrained(redis, db, "shop", "default");
    const cached = await redis.mget(ids.map((id) => `shop:{Brand:${brandEntity.schemaHash}}:${id}`));
    expect(cached.map((c) => (JSON.parse(c!) as unknown[])[1])).toEqual(ids.map((_, i) => `brand-${i}`));
  });
});
