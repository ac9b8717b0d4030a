/**
 * `engine.consumeAsyncFlushEvents()`: applies the queued events of every queue to MySQL.
 * Each queue partition is taken under a lease (one consumer at a time), read from the offset
 * MySQL committed last, applied in batches (apply-batch.ts) and trimmed. `workers` partitions are
 * applied in parallel; their batches are committed by a few transactions per queue, batches
 * ready at the same time sharing one (group-commit.ts), and while they commit the next
 * partitions' first batches are read ahead. Draining once (`block: false`) leaves partitions with
 * empty streams alone. Transient failures are retried with backoff, forever; permanent ones send
 * the event, and later events of its row, to the dead letters and drop the row's cached copies so
 * reads fall back to MySQL.
 */
import type { ChainableCommander } from "ioredis";
import type { Engine } from "../engine.js";
import type { EntityRuntime } from "../entity-runtime.js";
import type { MysqlPool } from "../mysql-pool.js";
import type { RedisPool } from "../redis-pool.js";
import { applyBatch, applyBatches, StaleOffsetError, UnknownEntityError } from "./apply-batch.js";
import { DEAD_LETTER } from "./dead-letter-script.js";
import type { ConsumeOptions, ConsumeResult } from "./consume-types.js";
import { isTransient } from "./errors.js";
import { decodeEvent, type AsyncEvent } from "./events.js";
import { GroupCommit } from "./group-commit.js";
import { CREATE_OFFSETS_TABLE, ensureOffsetRows, readOffset, readOffsets } from "./offsets.js";
import { logQueueName } from "./log-events.js";
import { PartitionLease } from "./partition-lease.js";
import { PARTITIONS, QueueKeys } from "./queue-keys.js";
import { Retrier } from "./retrier.js";
import { StreamWaiter } from "./stream-waiter.js";

/** One queue: its name, where its events wait (Redis) and where they go (MySQL). */
export interface QueueTarget {
  readonly name: string;
  readonly redis: RedisPool;
  readonly mysql: MysqlPool;
  readonly keys: QueueKeys;
  /**
   * The queue's key in the offsets table: its name, as `name@redisPool` outside Redis pool
   * `default`. Queues of one name in two Redis pools may apply to one MySQL pool (entities of a
   * pool caching in different Redis pools); their streams are unrelated, so are their offsets.
   */
  readonly offsetKey: string;
}

interface Partition {
  readonly queue: QueueTarget;
  readonly index: number;
  readonly lease: PartitionLease;
  offset: string | undefined;
  /** The stream may still hold entries up to `offset` (applied; a crash may have left them): trim with the next read. */
  untrimmed: boolean;
}

type StreamEntry = [id: string, fields: string[]];

/** A partition's next events and the queue's held rows, read after `after`. */
interface Read {
  readonly after: string;
  readonly entries: StreamEntry[];
  readonly held: ReadonlySet<string>;
}

/**
 * Transactions of one queue at once. Two keep MySQL busy while the next group gathers; more
 * concurrent inserts into the same tables mostly wait on each other's index pages and locks.
 */
const TRANSACTIONS_PER_QUEUE = 2;

/**
 * Partitions in flight by default: BeeORM's 11 lazy-flush workers, as the issue that specified the
 * consumer asks. `workers: 16` (one queue's every partition) drains a large backlog about 5%
 * faster: all of a queue's batches read together then share one transaction, rows merged in id
 * order, while with 11 the partitions left over follow in a second transaction once the first
 * has committed, inserting between its rows.
 */
export const DEFAULT_WORKERS = 11;

/** Every queue of the engine's entities, one per (Redis pool, queue name). */
export function queuesOf(engine: Engine<unknown>): QueueTarget[] {
  const queues = new Map<string, QueueTarget>();
  const add = (redis: RedisPool, name: string, mysql: MysqlPool): void => {
    const key = `${redis.name}\u0000${name}`;
    const existing = queues.get(key);
    if (existing !== undefined && existing.mysql !== mysql) {
      throw new Error(`queue "${name}" holds entities of two MySQL pools (${existing.mysql.name}, ${mysql.name}); give one an @asyncQueue of its own`);
    }
    const offsetKey = redis.name === "default" ? name : `${name}@${redis.name}`;
    queues.set(key, { name, redis, mysql, keys: new QueueKeys(redis.namespace, name), offsetKey });
  };
  for (const runtime of engine.entityRuntimes()) {
    const { descriptor, lookups } = runtime;
    add(lookups, descriptor.asyncQueue, runtime.mysql);
    // Log rows of a log table in another pool travel through that pool's queue (log-events.ts).
    const logQueue = logQueueName(descriptor);
    if (logQueue !== undefined && logQueue !== descriptor.asyncQueue) add(lookups, logQueue, engine.mysql(descriptor.logTable!.mysqlPool));
  }
  return [...queues.values()];
}

export async function consumeAsyncFlushEvents(engine: Engine<unknown>, options: ConsumeOptions = {}): Promise<ConsumeResult> {
  const { block = false, signal, workers = DEFAULT_WORKERS, batchSize = 1000, leaseMs = 30_000, onLog } = options;
  const queues = queuesOf(engine);
  const retrier = new Retrier(signal, onLog);
  const totals = { applied: 0, deadLettered: 0 };
  const partitions: Partition[] = queues.flatMap((queue) =>
    Array.from({ length: PARTITIONS }, (_, index) => ({ queue, index, lease: new PartitionLease(queue.redis, queue.keys.lease(index), leaseMs), offset: undefined, untrimmed: false })),
  );
  const runtimes = (name: string): EntityRuntime | undefined => engine.runtimeByName(name);
  const commits = new Map(queues.map((q) => [q, new GroupCommit((batches) => applyBatches(q.mysql, runtimes, batches), Math.min(workers, TRANSACTIONS_PER_QUEUE))]));
  // The offsets table and rows, made (and the offsets read) while the first leases are taken.
  // Offsets read before a lease is ours may be behind by then: the batch's fence catches that.
  const prepared = retrier.run("MySQL", async () => {
    const pools = [...new Set(queues.map((q) => q.mysql))];
    await Promise.all(pools.map((mysql) => mysql.exec(CREATE_OFFSETS_TABLE, [])));
    return new Map(await Promise.all(queues.map(async (queue) => [queue, await ensureOffsetRows(queue.mysql, queue.offsetKey, PARTITIONS)] as const)));
  });
  prepared.catch(() => undefined); // rethrown where awaited
  let firstOffsets: Map<QueueTarget, Map<number, string>> | undefined;
  /** Partitions of this round that no worker has taken yet, and the first batches read ahead for some of them. */
  let notStarted: Partition[] = [];
  const readsAhead = new Map<Partition, Promise<Read | undefined>>();
  const refresher = setInterval(() => {
    for (const p of partitions) if (p.lease.held) p.lease.refresh().catch(() => (p.lease.held = false));
  }, Math.max(100, Math.floor(leaseMs / 3)));
  const waiter = block ? new StreamWaiter() : undefined;
  signal?.addEventListener("abort", () => waiter?.interrupt(), { once: true });
  try {
    // Draining once: a partition whose stream is empty has nothing to apply or trim, so it is not leased at all.
    const wanted = block ? partitions : await retrier.run("Redis", () => nonEmpty(partitions));
    while (!signal?.aborted) {
      await retrier.run("Redis", () =>
        Promise.all(
          wanted.map(async (p) => {
            const before = p.lease.held;
            // A partition not held the whole time may have moved on elsewhere: read its offset anew.
            if (!(await p.lease.acquire()) || !before) p.offset = undefined;
          }),
        ),
      );
      const known = (firstOffsets ??= await prepared);
      const owned = partitions.filter((p) => p.lease.held);
      // Offsets of newly taken partitions: as read at the start, later one query per queue rather than one per partition.
      const starting = new Set(owned.filter((p) => p.offset === undefined).map((p) => p.queue));
      await Promise.all(
        [...starting].map(async (queue) => {
          const offsets = known.get(queue) ?? (await retrier.run("MySQL", () => readOffsets(queue.mysql, queue.offsetKey)));
          for (const p of owned) {
            if (p.queue !== queue || p.offset !== undefined) continue;
            p.offset = offsets.get(p.index) ?? "0-0";
            p.untrimmed = true;
          }
        }),
      );
      known.clear(); // later rounds read them anew
      let applied = 0;
      notStarted = [...owned];
      readsAhead.clear(); // of an earlier round: read anew
      await Promise.all(
        Array.from({ length: Math.min(Math.max(1, workers), owned.length) }, async () => {
          for (let p = notStarted.shift(); p !== undefined; p = notStarted.shift()) {
            applied += await drain(p);
            // Draining once, a drained partition is done with: free it now rather than after the others.
            if (!block) await p.lease.release().catch(() => undefined);
          }
        }),
      );
      // Not blocking: every partition held was read to its end once; that is the drain asked for.
      if (!block) break;
      if (applied > 0) continue;
      await waiter!.wait(owned.filter((p) => p.offset !== undefined).map((p) => ({ redis: p.queue.redis, key: p.queue.keys.stream(p.index), after: p.offset! })), 1000);
    }
  } catch (error) {
    // Stopping while an outage is being waited out: the batch in flight rolled back; nothing is lost.
    if (!signal?.aborted) throw error;
  } finally {
    clearInterval(refresher);
    waiter?.close();
    await Promise.all(partitions.map((p) => p.lease.release().catch(() => undefined)));
  }
  return totals;

  /**
   * While a worker's batch waits for its transaction, the first batch of a partition no worker
   * has taken yet is read ahead (reading is not applying: no lock, nothing written), so that the
   * next transaction can start as soon as a worker is free.
   */
  function readAhead(): void {
    const p = notStarted.find((q) => !readsAhead.has(q) && q.offset !== undefined);
    if (p === undefined) return;
    readsAhead.set(p, read(p).catch(() => undefined)); // a failed read ahead is read again by its worker
  }

  /** The next events of a partition after its offset (trimming what is applied first, if needed) and the queue's held rows, in one round trip. */
  async function read(p: Partition): Promise<Read> {
    const { queue } = p;
    const stream = queue.keys.stream(p.index);
    const after = p.offset!;
    const trim = p.untrimmed;
    const pipeline = queue.redis.raw.pipeline();
    if (trim) pipeline.xtrim(stream, "MINID", successor(after));
    const replies = (await exec(pipeline.xrange(stream, `(${after}`, "+", "COUNT", batchSize).smembers(queue.keys.held()))).slice(trim ? 1 : 0);
    if (trim && p.offset === after) p.untrimmed = false;
    return { after, entries: replies[0] as StreamEntry[], held: new Set(replies[1] as string[]) };
  }

  /** Applies a partition's pending events, batch after batch; resolves to how many it took. */
  async function drain(p: Partition): Promise<number> {
    const { queue } = p;
    const stream = queue.keys.stream(p.index);
    let taken = 0;
    while (!signal?.aborted && p.lease.held) {
      if (p.offset === undefined) {
        p.offset = await retrier.run("MySQL", () => readOffset(queue.mysql, queue.offsetKey, p.index));
        p.untrimmed = true;
      }
      const after = p.offset;
      // The queue's next transaction waits for this batch while it is read and decoded.
      const handedOver = commits.get(queue)!.startReading();
      let lastId: string;
      let count: number;
      try {
        const ahead = await readsAhead.get(p);
        readsAhead.delete(p);
        const { entries, held } = ahead?.after === after ? ahead : await retrier.run("Redis", () => read(p));
        if (entries.length === 0) break;
        lastId = entries[entries.length - 1]![0];
        count = entries.length;
        await retrier.run("MySQL", () => applyEntries(p, entries, held, after, lastId, handedOver));
      } catch (error) {
        if (!(error instanceof StaleOffsetError)) throw error;
        // Applied already (a lost COMMIT reply, or another consumer): trim it and go on from MySQL's offset.
        p.offset = error.current(p.index);
        p.untrimmed = true;
        continue;
      } finally {
        handedOver();
      }
      p.offset = lastId;
      p.untrimmed = true; // by the next read
      taken += count;
      if (count < batchSize) break;
    }
    // No next read now: trim what was applied.
    if (p.untrimmed && p.offset !== undefined) {
      const offset = p.offset;
      await retrier.run("Redis", () => queue.redis.raw.xtrim(stream, "MINID", successor(offset)));
      p.untrimmed = false;
    }
    return taken;
  }

  /**
   * One batch: decode, set aside dead and held events, apply the rest (one by one after a
   * permanent failure). `handedOver` is called once the batch waits for its transaction.
   */
  async function applyEntries(p: Partition, entries: readonly StreamEntry[], heldRows: ReadonlySet<string>, after: string, lastId: string, handedOver: () => void): Promise<void> {
    const { queue } = p;
    const held = new Set(heldRows);
    const good: { id: string; event: AsyncEvent; retried: boolean }[] = [];
    for (const [id, fields] of entries) {
      const text = fieldOf(fields, "e");
      let event: AsyncEvent;
      try {
        event = decodeEvent(text);
        const runtime = runtimes(event.entity);
        if (runtime === undefined) throw new UnknownEntityError(event.entity);
        if (event.op === "l" && runtime.descriptor.logTable === undefined) throw new Error(`malformed event: a log event of ${event.entity}, which has no @log table`);
      } catch (error) {
        await deadLetter(p, id, text, error, undefined);
        continue;
      }
      const retried = fieldOf(fields, "retried") !== "";
      // A retried dead letter goes through even while its row is held (by later events set aside behind it).
      if (held.has(rowKey(event)) && !retried) await deadLetter(p, id, text, new Error("held: an earlier event of this row is a dead letter"), undefined);
      else good.push({ id, event, retried });
    }
    const offset = { queue: queue.offsetKey, partition: p.index, expected: after, lastId };
    try {
      const committed = commits.get(queue)!.submit({ events: good.map((g) => g.event), offset });
      handedOver();
      readAhead();
      await committed;
      totals.applied += good.length;
      await uncacheRetried(good);
      return;
    } catch (error) {
      if (isTransient(error) || error instanceof StaleOffsetError) throw error;
    }
    // A permanent failure: apply one event per transaction to find the failing ones.
    let applied = after;
    const failedNow = new Set<string>(); // rows whose event failed in this replay: their later events wait, retried or not
    for (const { id, event, retried } of good) {
      const text = entries.find(([entryId]) => entryId === id)![1];
      if (failedNow.has(rowKey(event)) || (held.has(rowKey(event)) && !retried)) {
        await deadLetter(p, id, fieldOf(text, "e"), new Error("held: an earlier event of this row is a dead letter"), undefined);
        continue;
      }
      try {
        await applyBatch(queue.mysql, runtimes, [event], { ...offset, expected: applied, lastId: id });
        applied = id;
        totals.applied++;
        if (retried) await uncache(event).catch(() => undefined);
      } catch (error) {
        if (isTransient(error) || error instanceof StaleOffsetError) throw error;
        held.add(rowKey(event));
        failedNow.add(rowKey(event));
        await deadLetter(p, id, fieldOf(text, "e"), error, event);
      }
    }
    await applyBatch(queue.mysql, runtimes, [], { ...offset, expected: applied });
  }

  /**
   * A retried dead letter is now in MySQL, but reads made while it was dead may have cached the
   * row as MySQL had it then (e.g. "missing"): drop those copies once more.
   */
  async function uncacheRetried(applied: readonly { event: AsyncEvent; retried: boolean }[]): Promise<void> {
    for (const { event, retried } of applied) if (retried) await uncache(event).catch(() => undefined);
  }

  /**
   * Records a dead letter (before the offset moves past it) and holds and uncaches its row. A
   * replay of the same batch (after a crash) does not record it twice.
   */
  async function deadLetter(p: Partition, id: string, text: string, error: unknown, event: AsyncEvent | undefined): Promise<void> {
    const { queue } = p;
    const message = error instanceof Error ? error.message : String(error);
    const keys = [queue.keys.deadLetters(), queue.keys.deadMarks(), queue.keys.held()];
    const added = await queue.redis.eval(DEAD_LETTER, keys, [String(p.index), id, text, message, queue.name, new Date().toISOString(), event === undefined ? "" : rowKey(event)]);
    if (Number(added) === 1) {
      totals.deadLettered++;
      onLog?.(`dead letter in queue ${queue.name}: ${message}`);
    }
    if (event !== undefined) await uncache(event).catch(() => undefined);
  }

  /** Drops a failed row's cached copies: MySQL's truth is what readers should see now. */
  async function uncache(event: AsyncEvent): Promise<void> {
    const runtime = runtimes(event.entity);
    if (runtime === undefined) return;
    if (runtime.rows !== undefined && runtime.rowKeys !== undefined) await runtime.rows.raw.del(runtime.rowKeys.row(event.id));
    runtime.local?.evict([event.id]);
    await engine.invalidation.publish({ [event.entity]: [event.id] });
  }
}

/** The partitions whose streams hold entries: one pipeline of XLENs per Redis pool. */
async function nonEmpty(partitions: readonly Partition[]): Promise<Partition[]> {
  const byPool = new Map<RedisPool, Partition[]>();
  for (const p of partitions) byPool.set(p.queue.redis, [...(byPool.get(p.queue.redis) ?? []), p]);
  const lengths = await Promise.all([...byPool].map(async ([redis, list]) => [list, await exec(list.reduce((pipeline, p) => pipeline.xlen(p.queue.keys.stream(p.index)), redis.raw.pipeline()))] as const));
  return lengths.flatMap(([list, replies]) => list.filter((_, i) => Number(replies[i]) > 0));
}

/** Runs a pipeline; its replies, or the first command's error. */
async function exec(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = await pipeline.exec();
  const failure = replies?.find(([error]) => error !== null);
  if (replies === null || failure !== undefined) throw failure?.[0] ?? new Error("Redis pipeline discarded");
  return replies.map(([, reply]) => reply);
}

/** The smallest stream id after `id` (XTRIM MINID keeps ids ≥ it). */
function successor(id: string): string {
  const [ms, seq] = id.split("-");
  return `${ms}-${Number(seq) + 1}`;
}

function fieldOf(fields: readonly string[], name: string): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1]!;
  return "";
}

function rowKey(event: AsyncEvent): string {
  return `${event.entity}:${event.id}`;
}

