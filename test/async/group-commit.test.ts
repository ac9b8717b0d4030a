/**
 * The consumer's group commit (runtime/async/group-commit.ts) against MySQL: batches of partitions
 * read together share a transaction. A batch whose offset turns out stale writes nothing and,
 * re-read from MySQL's offset, is applied once; a batch whose offset row another transaction holds
 * is applied alone once the row is free, without holding up the others.
 */
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "beeorm/runtime";
import type { Orm } from "../../generated/index.js";
import { applyBatches, StaleOffsetError, type Batch } from "../../runtime/async/apply-batch.js";
import { decodeEvent } from "../../runtime/async/events.js";
import { GroupCommit } from "../../runtime/async/group-commit.js";
import { CREATE_OFFSETS_TABLE, ensureOffsetRows } from "../../runtime/async/offsets.js";
import type { MysqlPool } from "../../runtime/mysql-pool.js";
import { buildEngine, createDatabases, offsets, OFFSETS_TABLE, PARTITIONS, queueTag, REDIS_SERVER, type Databases } from "./support.js";

const REDIS_URL = `${REDIS_SERVER}/14`;
const QUEUE = "default";

let db: Databases;
let redis: Redis;
let engine: Engine<Orm>;
/** Brand ids by partition, queued by one flushAsync (nothing consumes them but the tests). */
const brands = new Map<number, number[]>();

beforeAll(async () => {
  db = await createDatabases("group");
  redis = new Redis(REDIS_URL);
  await redis.flushdb();
  engine = await buildEngine({ mysql: db.urls(), redis: REDIS_URL });
  const orm = engine.newContext();
  for (let i = 0; i < 4 * PARTITIONS; i++) {
    const { id } = await orm.brand.new({ name: `brand-${i}` });
    brands.set(id % PARTITIONS, [...(brands.get(id % PARTITIONS) ?? []), id]);
  }
  await orm.flushAsync();
  const mysql = engine.mysql(QUEUE) as unknown as MysqlPool;
  await mysql.exec(CREATE_OFFSETS_TABLE, []);
  await ensureOffsetRows(mysql, QUEUE, PARTITIONS);
});

afterAll(async () => {
  await engine?.close();
  await redis?.flushdb();
  redis?.disconnect();
  await db?.drop();
});

/** The group commit of queue `default`, as the consumer builds it. */
function groupCommit(): GroupCommit {
  const mysql = engine.mysql(QUEUE) as unknown as MysqlPool;
  const runtimes = (name: string) => engine.runtimeByName(name) as never;
  return new GroupCommit((batches) => applyBatches(mysql, runtimes, batches), 2);
}

/** A partition's queued events after `after`, as one batch expecting MySQL's offset to be `expected`. */
async function batch(partition: number, after: string, expected = after): Promise<Batch> {
  const entries = await redis.xrange(`${queueTag("shop", QUEUE)}:${partition}`, `(${after}`, "+");
  const events = entries.map(([, fields]) => decodeEvent(fields[fields.indexOf("e") + 1]!));
  return { events, offset: { queue: QUEUE, partition, expected, lastId: entries[entries.length - 1]![0] } };
}

async function firstEntry(partition: number): Promise<string> {
  return (await redis.xrange(`${queueTag("shop", QUEUE)}:${partition}`, "-", "+", "COUNT", 1))[0]![0];
}

async function brandIds(partition: number): Promise<number[]> {
  return (await db.rows("SELECT ID FROM brands WHERE ID % ? = ? ORDER BY ID", [PARTITIONS, partition])).map((r) => Number(r.ID));
}

/** The parameters of each offset-row lock (queue, then partitions, padded) the engine's transactions ran while `work` ran. */
async function offsetLocks(work: () => Promise<void>): Promise<unknown[][]> {
  const locks: unknown[][] = [];
  const stop = engine.onQuery((e) => {
    if (e.source === "mysql" && e.query.includes(OFFSETS_TABLE) && e.query.includes("FOR UPDATE")) locks.push([...(e.params ?? [])]);
  });
  try {
    await work();
  } finally {
    stop();
  }
  return locks;
}

describe("group commit", () => {
  it("a batch joining the open transaction with a stale offset writes nothing there; re-read from MySQL's offset it is applied once", async () => {
    const [fresh, stale] = [0, 1];
    // Partition `stale`'s first event was applied elsewhere (another consumer, or a lost COMMIT reply) since it was read.
    const appliedElsewhere = await firstEntry(stale);
    await db.admin.query(`UPDATE \`${OFFSETS_TABLE}\` SET last_id = ? WHERE queue = ? AND \`partition\` = ?`, [appliedElsewhere, QUEUE, stale]);
    const commit = groupCommit();
    const [freshBatch, staleBatch] = [await batch(fresh, "0-0"), await batch(stale, "0-0")]; // `stale` read after "0-0": behind MySQL
    let rejected: unknown;
    const groups = await offsetLocks(async () => {
      const readingFresh = commit.startReading();
      const readingStale = commit.startReading();
      const freshDone = commit.submit(freshBatch);
      readingFresh(); // the group waits for the partition still being read
      const staleDone = commit.submit(staleBatch);
      readingStale();
      await Promise.all([freshDone, staleDone.catch((error: unknown) => (rejected = error))]);
    });
    expect(groups[0], "both batches went to one transaction").toEqual([QUEUE, fresh, stale]);
    expect(rejected).toBeInstanceOf(StaleOffsetError);
    expect((rejected as StaleOffsetError).current(stale)).toBe(appliedElsewhere);
    expect(await brandIds(fresh)).toEqual(brands.get(fresh));
    expect(await brandIds(stale), "the stale batch wrote nothing").toEqual([]);
    const saved = await offsets(db, QUEUE);
    expect(saved.get(stale)).toBe(appliedElsewhere);

    // The consumer's next step: re-read from MySQL's offset and submit again.
    const reading = commit.startReading();
    const again = batch(stale, appliedElsewhere);
    const done = commit.submit(await again);
    reading();
    await done;
    expect(await brandIds(stale)).toEqual(brands.get(stale)!.slice(1));
    expect((await offsets(db, QUEUE)).get(stale)).toBe((await again).offset.lastId);
  });

  it("a batch whose offset row another transaction holds waits alone; the others commit meanwhile", async () => {
    const [free, busy] = [2, 3];
    const holder = await mysql.createConnection(db.urls().default);
    await holder.query("BEGIN");
    await holder.query(`SELECT last_id FROM \`${OFFSETS_TABLE}\` WHERE queue = ? AND \`partition\` = ? FOR UPDATE`, [QUEUE, busy]);
    try {
      const commit = groupCommit();
      const [freeBatch, busyBatch] = [await batch(free, "0-0"), await batch(busy, "0-0")];
      const readingFree = commit.startReading();
      const readingBusy = commit.startReading();
      const freeDone = commit.submit(freeBatch);
      readingFree();
      let busyApplied = false;
      const busyDone = commit.submit(busyBatch).then(() => (busyApplied = true));
      readingBusy();
      await freeDone;
      expect(await brandIds(free)).toEqual(brands.get(free));
      expect(busyApplied, "the busy partition waits for its offset row").toBe(false);
      await holder.query("COMMIT");
      await busyDone;
    } finally {
      await holder.end();
    }
    expect(await brandIds(busy)).toEqual(brands.get(busy));
  });
});
