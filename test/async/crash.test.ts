/**
 * The consumer as a child process, killed at random moments: SIGKILL across many rounds while
 * thousands of events (inserts, updates, deletes of Brand, Customer, OrderLine in queue `default`
 * and Order in queue `orders`) are queued and still being queued; then a drain in-process must
 * leave MySQL holding every row exactly once with its last values, no dead letters, empty
 * streams and the offsets at the streams' last ids. SIGTERM mid-stream: exit 0, leases released,
 * nothing lost.
 *
 * Replay a failing run with BEEORM_CRASH_SEED=<seed printed by the test>.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Engine } from "beeorm/runtime";
import type { Orm } from "../../generated/index.js";
import {
  buildEngine,
  ConsumerProcess,
  createDatabases,
  expectQueueDrained,
  offsets,
  PARTITIONS,
  queueTag,
  random,
  REDIS_SERVER,
  sleep,
  type Databases,
} from "./support.js";
import { Workload } from "./workload.js";

const REDIS_URL = `${REDIS_SERVER}/3`;
const ROUNDS = 24;
const LEASE_MS = 300;

let db: Databases;
let redis: Redis;
let producer: Engine<Orm>;

/** Each test gets fresh databases, an empty Redis database and a producing engine. */
beforeEach(async () => {
  db = await createDatabases("crash");
  redis ??= new Redis(REDIS_URL);
  await redis.flushdb();
  producer = await buildEngine({ mysql: db.urls(), redis: REDIS_URL });
});

afterEach(async () => {
  await ConsumerProcess.killAll();
  await producer?.close();
  await redis.flushdb();
  await db?.drop();
});

afterAll(() => redis?.disconnect());

function consumer(): ConsumerProcess {
  return new ConsumerProcess({ mysql: db.urls(), redis: REDIS_URL, consume: { batchSize: 50, leaseMs: LEASE_MS }, logOffsets: true });
}

/** Events still waiting in the streams of both queues (plain XLEN). */
/** Every queue the workload fills: Customer's log rows go through the audit pool's queue. */
const QUEUES = ["default", "orders", "audit"];

async function pending(): Promise<number> {
  let total = 0;
  for (const queue of QUEUES) for (let p = 0; p < PARTITIONS; p++) total += await redis.xlen(`${queueTag("shop", queue)}:${p}`);
  return total;
}

/** Queues random changes (a few thousand a second) until stopped, while a consumer runs. */
function produceInBackground(work: Workload, rand: () => number): { stop(): Promise<void> } {
  let producing = true;
  const running = (async () => {
    while (producing) {
      await work.step(1 + Math.floor(rand() * 20));
      await sleep(2);
    }
  })();
  return {
    stop: async () => {
      producing = false;
      await running;
    },
  };
}

async function expectAllApplied(work: Workload): Promise<void> {
  const { rows } = await work.verifyMysql(db);
  expect(rows).toBe(work.model.brand.size + work.model.customer.size + work.model.orderLine.size + work.model.order.size);
  await work.verifyLogs(db);
  // Streams empty, no dead letters, nothing held, every partition's offset at its stream's last id.
  for (const queue of QUEUES) await expectQueueDrained(redis, db, "shop", queue, queue === "audit" ? db.names.audit : undefined);
  await work.verifyBrandCache(redis);
}

describe("the consumer killed at random moments", () => {
  it(`SIGKILL in ${ROUNDS} rounds while events are queued: every row exactly once, final values, no dead letters`, { timeout: 150_000 }, async () => {
    const seed = Number(process.env.BEEORM_CRASH_SEED ?? Math.floor(Math.random() * 1e9));
    console.log(`crash test seed ${seed} (BEEORM_CRASH_SEED to replay)`);
    const rand = random(seed);
    const work = new Workload(producer, rand);
    await work.produce(3000);

    const rounds: { delay: number; saved: number; pendingAfter: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await work.produce(200 + Math.floor(rand() * 200));
      const child = consumer();
      await child.ready;
      // Keep queueing while the child consumes, so the kill lands mid-stream.
      const background = produceInBackground(work, rand);
      const delay = 20 + Math.floor(rand() * 381);
      await sleep(delay);
      child.kill("SIGKILL");
      const exit = await child.exited;
      await background.stop();
      expect(exit.signal, `round ${round}: ${child.stderr.join("")}`).toBe("SIGKILL");
      expect(child.lines.filter((l) => l.startsWith("log dead letter")), `round ${round}`).toEqual([]);
      rounds.push({ delay, saved: child.savedOffsets().length, pendingAfter: await pending() });
    }
    console.log(
      `crash test: ${work.events} events (${JSON.stringify(work.counts)}), ${ROUNDS} SIGKILLs; ` +
        `batches committed per round: ${rounds.map((r) => r.saved).join(",")}; events left after each kill: ${rounds.map((r) => r.pendingAfter).join(",")}`,
    );
    // The test is only worth something if the kills landed while the children were working.
    expect(rounds.filter((r) => r.saved > 0).length).toBeGreaterThanOrEqual(ROUNDS / 2);
    expect(rounds.filter((r) => r.pendingAfter > 0).length).toBeGreaterThanOrEqual(ROUNDS / 2);

    // A SIGKILLed consumer's leases are not released: they lapse after LEASE_MS.
    await sleep(LEASE_MS + 100);
    const result = await producer.consumeAsyncFlushEvents({ block: false, batchSize: 50 });
    expect(result.deadLettered).toBe(0);
    await expectAllApplied(work);
  });

  for (const at of ["before-commit", "after-commit"] as const) {
    it(`a crash at an exact instant (${at} of a batch): nothing lost, nothing applied twice, streams left empty`, { timeout: 60_000 }, async () => {
      const rand = random(at === "before-commit" ? 3 : 4);
      // No Customer: its log rows would fill queue `audit`, which the child drains before `default`.
      const work = new Workload(producer, rand, ["brand", "orderLine"]);
      await work.produce(600);
      // With one worker the child drains partition 0 of queue `default` first, batch after batch: crash in its last batch.
      const batch = Math.ceil((await redis.xlen(`${queueTag("shop", "default")}:0`)) / 20);
      expect(batch).toBeGreaterThan(1);
      const child = new ConsumerProcess({ mysql: db.urls(), redis: REDIS_URL, consume: { batchSize: 20, leaseMs: LEASE_MS, workers: 1 }, logOffsets: true, crash: { at, batch } });
      expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
      // MySQL's offsets: those of the batches before, and of the last one when its COMMIT went through.
      const saved = child.savedOffsets();
      expect(saved).toHaveLength(batch);
      expect(saved.every(([queue, partition]) => queue === "default" && partition === 0)).toBe(true);
      const committed = new Map(saved.slice(0, at === "before-commit" ? batch - 1 : batch).map(([, partition, lastId]) => [partition, lastId]));
      expect(await offsets(db, "default")).toEqual(committed);

      await sleep(LEASE_MS + 100);
      const result = await producer.consumeAsyncFlushEvents({ block: false, batchSize: 50 });
      expect(result.deadLettered).toBe(0);
      await expectAllApplied(work);
    });
  }

  it("SIGTERM mid-stream: the batch finishes, leases are released, exit code 0, nothing lost", { timeout: 60_000 }, async () => {
    const rand = random(7);
    const work = new Workload(producer, rand);
    await work.produce(2000);
    const before = await pending();
    const child = consumer();
    await child.ready;
    await child.line((l) => l.startsWith("offset ")); // it has committed a batch: mid-stream
    const background = produceInBackground(work, rand);
    await sleep(30);
    const stopped = Date.now();
    child.kill("SIGTERM");
    const exit = await Promise.race([child.exited, sleep(15_000).then(() => "timeout" as const)]);
    await background.stop();
    expect(exit, `the consumer did not exit within 15 s of SIGTERM; output: ${child.lines.slice(-5).join(" | ")}`).not.toBe("timeout");
    expect(exit, `stderr: ${child.stderr.join("")}`).toEqual({ code: 0, signal: null });
    console.log(`SIGTERM: exited after ${Date.now() - stopped} ms, having committed ${child.savedOffsets().length} batches of ${before} queued events`);
    expect(child.lines.some((l) => l.startsWith("done "))).toBe(true);
    // Its leases are released at once (not left to lapse): plain Redis sees none.
    expect(await redis.keys(`shop*:lease`)).toEqual([]);
    expect(await pending()).toBeGreaterThan(0); // stopped mid-stream

    // No waiting for leases to lapse: SIGTERM released them.
    const result = await producer.consumeAsyncFlushEvents({ block: false, batchSize: 50 });
    expect(result.deadLettered).toBe(0);
    await expectAllApplied(work);
  });
});
