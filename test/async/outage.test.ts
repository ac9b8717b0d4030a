/**
 * Outages: MySQL cut by a TCP proxy the test controls (the shared server is never touched) while
 * flushAsync keeps queueing and a blocking consumer waits, then catches up; a connection lost
 * right after MySQL executed a batch's COMMIT; and a Redis restart (a redis-server of the test's
 * own, AOF with appendfsync always) between flushAsync and consumption, and under a running
 * consumer.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Engine } from "beeorm/runtime";
import type { Orm } from "../../generated/index.js";
import {
  buildEngine,
  createDatabases,
  expectQueueDrained,
  MYSQL_SERVER,
  PARTITIONS,
  queueTag,
  random,
  RedisServer,
  sleep,
  TcpProxy,
  waitFor,
  type Databases,
} from "./support.js";
import { Workload } from "./workload.js";

let server: RedisServer;
let redis: Redis;
let db: Databases;
const engines: Engine<Orm>[] = [];

beforeAll(async () => {
  server = new RedisServer();
  await server.start();
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
  redis.on("error", () => undefined);
});

afterAll(async () => {
  redis?.disconnect();
  await server?.destroy();
});

beforeEach(async () => {
  db = await createDatabases("outage");
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close().catch(() => undefined)));
  await redis.flushall();
  await db.drop();
});

async function engine(mysqlServer = MYSQL_SERVER): Promise<Engine<Orm>> {
  const e = await buildEngine({ mysql: db.urls(mysqlServer), redis: server.url });
  engines.push(e);
  return e;
}

/** Every queue the workload fills: Customer's log rows go through the audit pool's queue. */
const QUEUES = ["default", "orders", "audit"];

async function pending(): Promise<number> {
  let total = 0;
  for (const queue of QUEUES) for (let p = 0; p < PARTITIONS; p++) total += await redis.xlen(`${queueTag("shop", queue)}:${p}`);
  return total;
}

/** Rows of every workload table, counted with plain SQL on the shared server (not through the proxy). */
async function mysqlRowCount(): Promise<number> {
  const [row] = await db.rows(
    "SELECT (SELECT COUNT(*) FROM brands) + (SELECT COUNT(*) FROM Customer) + (SELECT COUNT(*) FROM OrderLine) + (SELECT COUNT(*) FROM orders) AS n",
  );
  return Number(row!.n);
}

async function expectAllApplied(work: Workload): Promise<void> {
  await work.verifyMysql(db);
  await work.verifyLogs(db);
  for (const queue of QUEUES) await expectQueueDrained(redis, db, "shop", queue, queue === "audit" ? db.names.audit : undefined);
  await work.verifyBrandCache(redis);
}

describe("a MySQL outage (TCP proxy)", () => {
  let proxy: TcpProxy;

  beforeEach(async () => {
    proxy = new TcpProxy("127.0.0.1", Number(new URL(MYSQL_SERVER).port || 3306));
    await proxy.start();
  });

  afterEach(() => proxy.close());

  it("flushAsync keeps succeeding, the blocking consumer waits (one outage line), then catches up: nothing lost, nothing twice", { timeout: 60_000 }, async () => {
    const through = `mysql://root@127.0.0.1:${proxy.port}`;
    const producer = await engine(through);
    const consumerEngine = await engine(through);
    const work = new Workload(producer, random(11));
    await work.insertEach(); // seeds every id counter from MAX(ID) while MySQL is up

    const log: string[] = [];
    const controller = new AbortController();
    const consuming = consumerEngine.consumeAsyncFlushEvents({ block: true, signal: controller.signal, batchSize: 100, onLog: (l) => log.push(l) });
    let settled = false;
    void consuming.then(
      () => (settled = true),
      () => (settled = true),
    );

    await work.produce(500);
    await waitFor("the consumer to apply the first events", async () => (await pending()) === 0, 10_000);
    await work.verifyMysql(db);

    // Cut MySQL: every connection dropped, new ones refused.
    proxy.cut();
    const rowsAtCut = await mysqlRowCount();
    for (let i = 0; i < 100; i++) await work.step(1 + (i % 20)); // must not throw: flushAsync needs no MySQL
    const queued = await pending();
    expect(queued).toBeGreaterThan(0);
    await sleep(1500);
    expect(await mysqlRowCount()).toBe(rowsAtCut);
    expect(await pending()).toBe(queued); // waiting, nothing dropped
    expect(settled).toBe(false); // the consumer did not give up
    expect(log.filter((l) => /unavailable/i.test(l))).toHaveLength(1);
    expect(log.filter((l) => /dead letter/i.test(l))).toEqual([]);

    // Queue more while it is still down, then restore.
    await work.produce(300);
    await proxy.restore();
    const caughtUp = await waitFor("the consumer to catch up after MySQL is back", async () => (await pending()) === 0, 20_000, 20);
    controller.abort();
    const result = await consuming;
    console.log(`MySQL outage: caught up ${caughtUp} ms after restore; consumer log: ${JSON.stringify(log)}`);
    expect(result.deadLettered).toBe(0);
    expect(result.applied).toBe(work.events);
    expect(log.filter((l) => /unavailable/i.test(l))).toHaveLength(1);
    expect(log.some((l) => /back/i.test(l))).toBe(true);
    await expectAllApplied(work);
  });

  it("a connection lost after MySQL executed the batch's COMMIT (before the consumer heard back) applies nothing twice", { timeout: 60_000 }, async () => {
    const through = `mysql://root@127.0.0.1:${proxy.port}`;
    const producer = await engine(); // direct: only the consumer goes through the proxy
    const consumerEngine = await engine(through);
    const work = new Workload(producer, random(12), ["brand", "customer", "orderLine"]);
    await work.produce(300);

    // The first COMMIT the consumer sends (COM_QUERY "COMMIT"): MySQL executes it, the reply is lost.
    let commits = 0;
    proxy.onClientData = (chunk) => {
      if (chunk.length === 11 && chunk[4] === 0x03 && chunk.subarray(5).toString() === "COMMIT" && ++commits === 1) return "cut-after-reply";
    };
    const log: string[] = [];
    const controller = new AbortController();
    const consuming = consumerEngine.consumeAsyncFlushEvents({ block: true, signal: controller.signal, batchSize: 50, onLog: (l) => log.push(l) });
    await waitFor("the COMMIT to be cut", () => commits >= 1, 10_000, 5);
    await sleep(300);
    await proxy.restore();
    await waitFor("the consumer to drain", async () => (await pending()) === 0, 20_000, 20);
    controller.abort();
    const result = await consuming;
    console.log(`COMMIT cut: consumer log: ${JSON.stringify(log)}`);
    const dead = (await redis.xrange(`${queueTag("shop", "default")}:dead`, "-", "+")).map(([, f]) => f[f.indexOf("error") + 1]);
    expect(dead, "events dead-lettered after the lost COMMIT reply").toEqual([]);
    expect(result.deadLettered).toBe(0);
    await expectAllApplied(work);
  });
});

describe("a Redis restart", () => {
  it("between flushAsync and consumption: the queue survives (AOF), every row reaches MySQL", { timeout: 60_000 }, async () => {
    const producer = await engine();
    const work = new Workload(producer, random(13));
    await work.produce(1000);
    const queued = await pending();
    expect(queued).toBe(work.events);

    await server.stop(); // SIGTERM: a clean shutdown
    await server.start(); // same port, same dir: the AOF is replayed
    expect(await pending()).toBe(queued);
    expect(await mysqlRowCount()).toBe(0);

    // A fresh consumer process-to-be (new engine) and the producer's engine, whose connections were dropped.
    const consumer = await engine();
    const result = await consumer.consumeAsyncFlushEvents({ block: false });
    expect(result).toEqual({ applied: queued, deadLettered: 0 });
    await expectAllApplied(work);

    // The producer's engine reconnects by itself and keeps queueing; its reads still see its writes.
    await work.produce(100);
    expect(await producer.consumeAsyncFlushEvents({ block: false })).toMatchObject({ deadLettered: 0 });
    await expectAllApplied(work);
  });

  it("under a running blocking consumer: it survives the restart and applies what is queued afterwards", { timeout: 60_000 }, async () => {
    const producer = await engine();
    const consumerEngine = await engine();
    const work = new Workload(producer, random(14));
    const log: string[] = [];
    const controller = new AbortController();
    const consuming = consumerEngine.consumeAsyncFlushEvents({ block: true, signal: controller.signal, onLog: (l) => log.push(l) });
    await work.produce(300);
    await waitFor("the consumer to apply the first events", async () => (await pending()) === 0, 10_000);

    await server.stop();
    await sleep(500);
    await server.start();
    await work.produce(300);
    const caughtUp = await waitFor("the consumer to apply events queued after the restart", async () => (await pending()) === 0, 20_000, 20);
    controller.abort();
    const result = await consuming;
    console.log(`Redis restart under a consumer: caught up after ${caughtUp} ms; log ${JSON.stringify(log)}`);
    expect(result).toEqual({ applied: work.events, deadLettered: 0 });
    await expectAllApplied(work);
  });
});
