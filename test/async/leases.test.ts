/**
 * Several consumers: two on one queue share its partitions under leases (one applies a partition
 * at a time) and the survivor takes a killed one's partitions over within about the lease time;
 * `workers` > 1 applies partitions in parallel and keeps the last write of every row; two
 * namespaces on one Redis never see each other's events.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Engine } from "beeorm/runtime";
import { brandEntity, type Orm } from "../../generated/index.js";
import {
  buildEngine,
  ConsumerProcess,
  createDatabases,
  expectQueueDrained,
  offsets,
  OFFSETS_TABLE,
  PARTITIONS,
  queueTag,
  random,
  REDIS_SERVER,
  sleep,
  waitFor,
  type Databases,
} from "./support.js";
import { Workload } from "./workload.js";

const REDIS_URL = `${REDIS_SERVER}/8`;
const Q = queueTag("shop", "default");
const LEASE_MS = 1500;
const leaseKey = (p: number): string => `${Q}:${p}:lease`;
const EVEN = Array.from({ length: PARTITIONS / 2 }, (_, i) => 2 * i);
const ODD = EVEN.map((p) => p + 1);

let redis: Redis;
let db: Databases;
const engines: Engine<Orm>[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

async function engine(databases: Databases = db, namespace?: string): Promise<Engine<Orm>> {
  const e = await buildEngine({ mysql: databases.urls(), redis: REDIS_URL, namespace });
  engines.push(e);
  return e;
}

/** Events waiting in a namespace's queues `default` and `audit` (which carries Customer's log rows). */
async function pending(namespace = "shop"): Promise<number> {
  let total = 0;
  for (const queue of ["default", "audit"]) for (let p = 0; p < PARTITIONS; p++) total += await redis.xlen(`${queueTag(namespace, queue)}:${p}`);
  return total;
}

/** The offsets an engine saves: [queue, partition, lastId] with the time. */
function recordOffsets(e: Engine<Orm>): { at: number; queue: string; partition: number; lastId: string }[] {
  const saved: { at: number; queue: string; partition: number; lastId: string }[] = [];
  e.onQuery((event) => {
    if (event.source === "mysql" && event.error === undefined && event.query.startsWith("INSERT INTO") && event.query.includes(OFFSETS_TABLE)) {
      // One save moves the offsets of every partition of its transaction: (queue, partition, last_id) each.
      const params = event.params as (string | number)[];
      for (let i = 0; i < params.length; i += 3) saved.push({ at: Date.now(), queue: params[i] as string, partition: params[i + 1] as number, lastId: params[i + 2] as string });
    }
  });
  return saved;
}

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});

afterAll(() => redis.disconnect());

beforeEach(async () => {
  db = await createDatabases("lease");
  await redis.flushdb();
});

afterEach(async () => {
  await ConsumerProcess.killAll();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await Promise.all(engines.splice(0).map((e) => e.close().catch(() => undefined)));
  await redis.flushdb();
  await db.drop();
});

describe("two consumers on one queue", () => {
  it("split the partitions under leases, never apply one partition both, and the survivor takes over after a SIGKILL", { timeout: 90_000 }, async () => {
    const producer = await engine();
    const work = new Workload(producer, random(21), ["brand", "customer", "orderLine"]);

    // Hand the even partitions of queue `default` to consumer A (a child process) and the odd ones to
    // consumer B (in-process): block the odd ones while A starts, freeze A while B starts.
    for (const p of ODD) await redis.set(leaseKey(p), "blocker", "PX", 60_000);
    const a = new ConsumerProcess({ mysql: db.urls(), redis: REDIS_URL, consume: { batchSize: 50, leaseMs: LEASE_MS }, logOffsets: true });
    await a.ready;
    await waitFor("A to lease the even partitions", async () => (await redis.mget(EVEN.map(leaseKey))).every((t) => t !== null), 10_000);
    a.kill("SIGSTOP");
    await redis.del(...ODD.map(leaseKey));
    const b = await engine();
    const savedByB = recordOffsets(b);
    const controller = new AbortController();
    const consumingB = b.consumeAsyncFlushEvents({ block: true, signal: controller.signal, batchSize: 50, leaseMs: LEASE_MS });
    cleanups.push(() => controller.abort());
    await waitFor("B to lease the odd partitions", async () => (await redis.mget(ODD.map(leaseKey))).every((t) => t !== null), 5_000, 5);
    a.kill("SIGCONT");

    // Sample every lease key of the queue while both run.
    const tokens: Map<string, number>[] = Array.from({ length: PARTITIONS }, () => new Map());
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const values = await redis.mget(Array.from({ length: PARTITIONS }, (_, p) => leaseKey(p)));
        values.forEach((token, p) => {
          if (token !== null && !tokens[p]!.has(token)) tokens[p]!.set(token, Date.now());
        });
        await sleep(10);
      }
    })();

    // Phase 1: both alive, events for every partition.
    const rand = random(22);
    const phase1End = Date.now() + 2500;
    while (Date.now() < phase1End) {
      await work.step(1 + Math.floor(rand() * 20));
      await sleep(3);
    }
    await waitFor("both consumers to drain phase 1", async () => (await pending()) === 0, 15_000, 20);
    const savedByA = a.savedOffsets().filter(([queue]) => queue === "default");
    const byBPhase1 = savedByB.filter((s) => s.queue === "default");
    console.log(`phase 1: A committed ${savedByA.length} batches (partitions ${[...new Set(savedByA.map(([, p]) => p))].sort((x, y) => x - y)}), B ${byBPhase1.length} (partitions ${[...new Set(byBPhase1.map((s) => s.partition))].sort((x, y) => x - y)})`);
    expect(savedByA.length).toBeGreaterThan(0);
    expect(byBPhase1.length).toBeGreaterThan(0);
    expect(savedByA.filter(([, p]) => p % 2 === 1)).toEqual([]); // A applied only its own (even) partitions
    expect(byBPhase1.filter((s) => s.partition % 2 === 0)).toEqual([]); // B only the odd ones
    for (let p = 0; p < PARTITIONS; p++) expect([...tokens[p]!.keys()], `lease tokens seen on partition ${p}`).toHaveLength(1);
    const tokenOfA = EVEN.map((p) => [...tokens[p]!.keys()][0]!);

    // Phase 2: keep queueing, SIGKILL A at a random moment; B takes its partitions over and drains them.
    let producing = true;
    const background = (async () => {
      while (producing) {
        await work.step(1 + Math.floor(rand() * 20));
        await sleep(3);
      }
    })();
    await sleep(200 + Math.floor(rand() * 600));
    const killedAt = Date.now();
    a.kill("SIGKILL");
    await a.exited;
    await waitFor("B to lease every even partition", async () => (await redis.mget(EVEN.map(leaseKey))).every((t, i) => t !== null && t !== tokenOfA[i]), LEASE_MS + 5_000, 20);
    const takeover = Date.now() - killedAt;
    await sleep(500);
    producing = false;
    await background;
    await waitFor("B to drain everything", async () => (await pending()) === 0, 20_000, 20);
    sampling = false;
    await sampler;
    controller.abort();
    const result = await consumingB;
    const firstEvenByB = Math.min(...savedByB.filter((s) => s.queue === "default" && s.partition % 2 === 0).map((s) => s.at));
    console.log(`takeover: B leased A's partitions ${takeover} ms after the SIGKILL (lease ${LEASE_MS} ms), first batch of one ${firstEvenByB - killedAt} ms after; B: ${JSON.stringify(result)}`);
    expect(takeover).toBeLessThan(LEASE_MS + 2_500);
    expect(firstEvenByB).toBeGreaterThan(killedAt); // B never applied A's partitions while A lived
    // B's own leases never changed hands.
    for (const p of ODD) expect([...tokens[p]!.keys()], `lease tokens seen on partition ${p}`).toHaveLength(1);
    expect(result.deadLettered).toBe(0);
    await work.verifyMysql(db);
    await expectQueueDrained(redis, db, "shop", "default");
    await work.verifyBrandCache(redis);
  });
});

/** flushAsync of `count` new brands; their ids. */
async function newBrands(e: Engine<Orm>, count: number, prefix: string): Promise<number[]> {
  const orm = e.newContext();
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await orm.brand.new({ name: `${prefix}-${i}` })).id);
  await orm.flushAsync();
  return ids;
}

async function deadLetterErrors(): Promise<string[]> {
  return (await redis.xrange(`${Q}:dead`, "-", "+")).map(([, f]) => f[f.indexOf("error") + 1]!);
}

describe("a consumer frozen beyond its lease (GC pause, VM freeze)", () => {
  // The lapsing-lock problem: a consumer that stalls longer than its lease must not apply what the new owner applies.
  it("frozen mid-batch (rows written, COMMIT not yet sent): the batch is applied once, by one of them", { timeout: 60_000 }, async () => {
    const producer = await engine();
    const ids = await newBrands(producer, 64, "frozen");
    const a = new ConsumerProcess({ mysql: db.urls(), redis: REDIS_URL, consume: { batchSize: 1000, leaseMs: 1000, workers: 1 }, logOffsets: true, crash: { at: "freeze-before-commit", batch: 1 } });
    await a.line((l) => l.startsWith("offset ")); // A has written its first batch and froze before COMMIT
    const [, frozenPartition] = a.savedOffsets()[0]!;

    const b = await engine();
    const controller = new AbortController();
    const consumingB = b.consumeAsyncFlushEvents({ block: true, signal: controller.signal, leaseMs: 1000 });
    cleanups.push(() => controller.abort());
    // A's lease lapses; B takes the partition and runs into A's uncommitted rows (a lock wait).
    await waitFor("B to take A's partition over", async () => (await offsets(db, "default")).size >= PARTITIONS - 1, 10_000, 20);
    await sleep(500);
    a.kill("SIGCONT"); // A wakes up and sends its COMMIT, unaware that its lease is gone
    await waitFor("the queue to drain", async () => (await pending()) === 0 || (await deadLetterErrors()).length > 0, 15_000, 20);
    await sleep(300);
    controller.abort();
    await consumingB;
    a.kill("SIGTERM");
    await a.exited;

    expect(await deadLetterErrors(), `dead letters after A (frozen in partition ${frozenPartition}) woke up`).toEqual([]);
    expect((await db.rows("SELECT ID FROM brands ORDER BY ID")).map((r) => r.ID)).toEqual(ids);
    await expectQueueDrained(redis, db, "shop", "default");
  });

  it("frozen while idle, its partitions applied meanwhile by another consumer: when it gets them back it applies nothing twice", { timeout: 60_000 }, async () => {
    const producer = await engine();
    const first = await newBrands(producer, 32, "first");
    const a = new ConsumerProcess({ mysql: db.urls(), redis: REDIS_URL, consume: { batchSize: 1000, leaseMs: 1000, workers: 1 } });
    await a.ready;
    await waitFor("A to apply the first brands", async () => (await pending()) === 0, 10_000, 20);

    a.kill("SIGSTOP");
    await sleep(1300); // A's leases lapse
    const second = await newBrands(producer, 32, "second");
    // B applies partition 0's new events and dies right after COMMIT (before trimming the stream).
    const b = new ConsumerProcess({ mysql: db.urls(), redis: REDIS_URL, consume: { batchSize: 1000, leaseMs: 1000, workers: 1 }, logOffsets: true, crash: { at: "after-commit", batch: 1 } });
    expect(await b.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(b.savedOffsets().map(([q, p]) => `${q}:${p}`)).toEqual(["default:0"]);

    a.kill("SIGCONT"); // A finds its leases gone, waits for B's to lapse, takes the partitions back
    await waitFor("A to apply the rest", async () => {
      const left = await pending();
      return left <= second.filter((id) => id % PARTITIONS === 0).length || (await deadLetterErrors()).length > 0;
    }, 15_000, 20);
    await sleep(1500);
    a.kill("SIGTERM");
    expect((await a.exited).code).toBe(0);

    expect(await deadLetterErrors(), "dead letters after A took its partitions back").toEqual([]);
    expect((await db.rows("SELECT ID FROM brands ORDER BY ID")).map((r) => r.ID)).toEqual([...first, ...second]);
  });
});

describe("workers > 1", () => {
  it("200 brands × 20 updates in random order across rows, consumed with workers: 8: MySQL holds the last write of each", { timeout: 60_000 }, async () => {
    const producer = await engine();
    const rand = random(31);
    const COUNTRIES = ["PL", "DE", "FR", "IT", "US", "JP", "CZ", "SE"];
    let orm = producer.newContext();
    const drafts = [];
    for (let i = 0; i < 200; i++) drafts.push(await orm.brand.new({ name: `brand-${i}`, country: "PL", founded: 1900 }));
    await orm.flushAsync();
    const last = new Map(drafts.map((d) => [d.id, { ID: d.id, name: d.name, country: d.country, founded: d.founded as number | null, website: null as string | null }]));

    // 20 updates of every row, interleaved at random across rows (each row's own updates stay in order).
    const todo = drafts.flatMap((d) => Array.from({ length: 20 }, () => d.id));
    for (let i = todo.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [todo[i], todo[j]] = [todo[j]!, todo[i]!];
    }
    let version = 0;
    while (todo.length > 0) {
      orm = producer.newContext();
      const inThisFlush = new Set<number>();
      for (let k = 0; k < 10 && todo.length > 0; k++) {
        const id = todo[todo.length - 1]!;
        if (inThisFlush.has(id)) break;
        todo.pop();
        inThisFlush.add(id);
        const draft = orm.brand.edit((await orm.brand.getById(id))!);
        const row = last.get(id)!;
        version++;
        // A random non-empty subset of the columns changes, so merged updates must keep each column's last value.
        const roll = 1 + Math.floor(rand() * 15);
        if (roll & 1) draft.country = row.country = COUNTRIES[(COUNTRIES.indexOf(row.country) + 1) % COUNTRIES.length]!;
        if (roll & 2) draft.founded = row.founded = 1000 + version;
        if (roll & 4) draft.website = row.website = `https://v${version}.example`;
        if (roll & 8) draft.name = row.name = `brand-${id}-v${version}`;
      }
      await orm.flushAsync();
    }
    expect(await pending()).toBe(200 + 4000);

    const [{ n: before }] = (await db.rows("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?", [db.names.default])) as [{ n: number }];
    const consumer = await engine();
    const started = Date.now();
    const result = await consumer.consumeAsyncFlushEvents({ block: false, workers: 8, batchSize: 100 });
    const [{ n: after }] = (await db.rows("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?", [db.names.default])) as [{ n: number }];
    console.log(`workers: 8 applied ${result.applied} events in ${Date.now() - started} ms on ${Number(after) - Number(before)} connections`);
    expect(result).toEqual({ applied: 4200, deadLettered: 0 });
    expect(Number(after) - Number(before)).toBeGreaterThan(1); // partitions really were applied on several connections

    expect(await db.rows("SELECT ID, name, country, founded, website FROM brands ORDER BY ID")).toEqual([...last.values()]);
    await expectQueueDrained(redis, db, "shop", "default");
    // The Redis rows (written by flushAsync) agree with MySQL.
    const cached = await redis.mget([...last.keys()].map((id) => `shop:{Brand:${brandEntity.schemaHash}}:${id}`));
    expect(cached.map((c) => JSON.parse(c!) as unknown[]).map(([ID, name, country, founded, website]) => ({ ID, name, country, founded, website }))).toEqual([...last.values()]);
  });
});

describe("two namespaces on one Redis", () => {
  it("keep their queues, leases and counters apart: each consumer applies only its own application's events", { timeout: 60_000 }, async () => {
    const db2 = await createDatabases("lease_ns");
    cleanups.push(() => db2.drop());
    const shop = await engine(db);
    const other = await engine(db2, "other");

    const shopWork = new Workload(shop, random(41), ["brand", "customer", "orderLine"]);
    const otherWork = new Workload(other, random(42), ["brand", "customer", "orderLine"]);
    await shopWork.produce(300);
    await otherWork.produce(200);
    expect(await pending("shop")).toBe(shopWork.events);
    expect(await pending("other")).toBe(otherWork.events);
    expect(await redis.exists(`other:{ids}:default:brands`)).toBe(1);

    // The other application's consumer applies its own events only.
    expect(await other.consumeAsyncFlushEvents({ block: false })).toEqual({ applied: otherWork.events, deadLettered: 0 });
    expect(await pending("shop")).toBe(shopWork.events);
    expect(await pending("other")).toBe(0);
    await otherWork.verifyMysql(db2);
    expect(await db.rows("SELECT COUNT(*) AS n FROM brands")).toEqual([{ n: 0 }]);

    // Both consumers blocking at once: neither's leases stop the other, each applies its own.
    const controller = new AbortController();
    const consuming = [shop, other].map((e) => e.consumeAsyncFlushEvents({ block: true, signal: controller.signal, leaseMs: LEASE_MS }));
    const queuedBefore = otherWork.events;
    await otherWork.produce(200);
    const queuedWhileBlocking = otherWork.events - queuedBefore;
    await waitFor("both applications' queues to drain", async () => (await pending("shop")) === 0 && (await pending("other")) === 0, 15_000, 20);
    const leases = (await redis.keys("*:lease")).filter((k) => k.includes("{q:"));
    expect(leases.some((k) => k.startsWith("shop:{q:"))).toBe(true);
    expect(leases.some((k) => k.startsWith("other:{q:"))).toBe(true);
    controller.abort();
    const [shopResult, otherResult] = await Promise.all(consuming);
    expect(shopResult).toEqual({ applied: shopWork.events, deadLettered: 0 });
    expect(otherResult).toEqual({ applied: queuedWhileBlocking, deadLettered: 0 });

    await shopWork.verifyMysql(db);
    await otherWork.verifyMysql(db2);
    await shopWork.verifyLogs(db);
    await otherWork.verifyLogs(db2);
    for (const [work, database, namespace] of [[shopWork, db, "shop"], [otherWork, db2, "other"]] as const) {
      await expectQueueDrained(redis, database, namespace, "default");
      await expectQueueDrained(redis, database, namespace, "audit", database.names.audit);
      expect(work.logged.size).toBeGreaterThan(0);
    }
    await shopWork.verifyBrandCache(redis, "shop");
    await otherWork.verifyBrandCache(redis, "other");
  });
});
