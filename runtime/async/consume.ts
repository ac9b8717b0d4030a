/**
 * `engine.consumeAsyncFlushEvents()`: applies the queued events of every queue to MySQL.
 * Each queue partition is taken under a lease (one consumer at a time), read from the offset
 * MySQL committed last, applied in batches (apply-batch.ts) and trimmed. Transient failures are
 * retried with backoff, forever; permanent ones send the event, and later events of its row, to
 * the dead letters and drop the row's cached copies so reads fall back to MySQL.
 */
import type { Engine } from "../engine.js";
import type { EntityRuntime } from "../entity-runtime.js";
import type { MysqlPool } from "../mysql-pool.js";
import type { RedisPool } from "../redis-pool.js";
import { applyBatch, CREATE_OFFSETS_TABLE, ensureOffsetRows, readOffset, readOffsets, StaleOffsetError, UnknownEntityError } from "./apply-batch.js";
import { DEAD_LETTER } from "./dead-letter-script.js";
import type { ConsumeOptions, ConsumeResult } from "./consume-types.js";
import { isTransient } from "./errors.js";
import { decodeEvent, type AsyncEvent } from "./events.js";
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
}

interface Partition {
  readonly queue: QueueTarget;
  readonly index: number;
  readonly lease: PartitionLease;
  offset: string | undefined;
}

type StreamEntry = [id: string, fields: string[]];

/** Every queue of the engine's entities, one per (Redis pool, queue name). */
export function queuesOf(engine: Engine<unknown>): QueueTarget[] {
  const queues = new Map<string, QueueTarget>();
  for (const runtime of engine.entityRuntimes()) {
    const { descriptor, lookups } = runtime;
    const key = `${lookups.name}\u0000${descriptor.asyncQueue}`;
    const existing = queues.get(key);
    if (existing !== undefined && existing.mysql !== runtime.mysql) {
      throw new Error(`queue "${descriptor.asyncQueue}" holds entities of two MySQL pools (${existing.mysql.name}, ${runtime.mysql.name}); give one an @asyncQueue of its own`);
    }
    queues.set(key, { name: descriptor.asyncQueue, redis: lookups, mysql: runtime.mysql, keys: new QueueKeys(lookups.namespace, descriptor.asyncQueue) });
  }
  return [...queues.values()];
}

export async function consumeAsyncFlushEvents(engine: Engine<unknown>, options: ConsumeOptions = {}): Promise<ConsumeResult> {
  const { block = false, signal, workers = 11, batchSize = 1000, leaseMs = 30_000, onLog } = options;
  const queues = queuesOf(engine);
  const retrier = new Retrier(signal, onLog);
  const totals = { applied: 0, deadLettered: 0 };
  const partitions: Partition[] = queues.flatMap((queue) =>
    Array.from({ length: PARTITIONS }, (_, index) => ({ queue, index, lease: new PartitionLease(queue.redis, queue.keys.lease(index), leaseMs), offset: undefined })),
  );
  const runtimes = (name: string): EntityRuntime | undefined => engine.runtimeByName(name);
  await retrier.run("MySQL", async () => {
    for (const mysql of new Set(queues.map((q) => q.mysql))) await mysql.exec(CREATE_OFFSETS_TABLE, []);
    for (const queue of queues) await ensureOffsetRows(queue.mysql, queue.name, PARTITIONS);
  });
  const refresher = setInterval(() => {
    for (const p of partitions) if (p.lease.held) p.lease.refresh().catch(() => (p.lease.held = false));
  }, Math.max(100, Math.floor(leaseMs / 3)));
  const waiter = block ? new StreamWaiter() : undefined;
  signal?.addEventListener("abort", () => waiter?.interrupt(), { once: true });
  try {
    while (!signal?.aborted) {
      await retrier.run("Redis", () =>
        Promise.all(
          partitions.map(async (p) => {
            const before = p.lease.held;
            // A partition not held the whole time may have moved on elsewhere: read its offset anew.
            if (!(await p.lease.acquire()) || !before) p.offset = undefined;
          }),
        ),
      );
      const owned = partitions.filter((p) => p.lease.held);
      // Offsets of newly taken partitions: one query per queue rather than one per partition.
      for (const queue of new Set(owned.filter((p) => p.offset === undefined).map((p) => p.queue))) {
        const offsets = await retrier.run("MySQL", () => readOffsets(queue.mysql, queue.name));
        for (const p of owned) {
          if (p.queue !== queue || p.offset !== undefined) continue;
          const offset = offsets.get(p.index) ?? "0-0";
          // Entries up to the offset are applied; a crash may have left them untrimmed.
          await retrier.run("Redis", () => queue.redis.raw.xtrim(queue.keys.stream(p.index), "MINID", successor(offset)));
          p.offset = offset;
        }
      }
      let applied = 0;
      await inParallel(owned, workers, async (p) => {
        applied += await drain(p);
      });
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

  /** Applies a partition's pending events, batch after batch; resolves to how many it took. */
  async function drain(p: Partition): Promise<number> {
    const { queue } = p;
    const stream = queue.keys.stream(p.index);
    let taken = 0;
    while (!signal?.aborted && p.lease.held) {
      if (p.offset === undefined) {
        const offset = await retrier.run("MySQL", () => readOffset(queue.mysql, queue.name, p.index));
        // Entries up to the offset are applied; a crash may have left them untrimmed.
        await retrier.run("Redis", () => queue.redis.raw.xtrim(stream, "MINID", successor(offset)));
        p.offset = offset;
      }
      const after = p.offset;
      // The next events and the rows held back, in one round trip.
      const [entries, held] = await retrier.run("Redis", async () => {
        const replies = await queue.redis.raw.pipeline().xrange(stream, `(${after}`, "+", "COUNT", batchSize).smembers(queue.keys.held()).exec();
        const failure = replies?.find(([error]) => error !== null);
        if (replies === null || failure !== undefined) throw failure?.[0] ?? new Error("Redis pipeline discarded");
        return [replies[0]![1] as StreamEntry[], new Set(replies[1]![1] as string[])] as const;
      });
      if (entries.length === 0) break;
      const lastId = entries[entries.length - 1]![0];
      try {
        await retrier.run("MySQL", () => applyEntries(p, entries, held, after, lastId));
      } catch (error) {
        if (!(error instanceof StaleOffsetError)) throw error;
        // Applied already (a lost COMMIT reply, or another consumer): trim it and go on from MySQL's offset.
        p.offset = error.current;
        await retrier.run("Redis", () => queue.redis.raw.xtrim(stream, "MINID", successor(error.current)));
        continue;
      }
      p.offset = lastId;
      taken += entries.length;
      await retrier.run("Redis", () => queue.redis.raw.xtrim(stream, "MINID", successor(lastId)));
      if (entries.length < batchSize) break;
    }
    return taken;
  }

  /** One batch: decode, set aside dead and held events, apply the rest (one by one after a permanent failure). */
  async function applyEntries(p: Partition, entries: readonly StreamEntry[], heldRows: ReadonlySet<string>, after: string, lastId: string): Promise<void> {
    const { queue } = p;
    const held = new Set(heldRows);
    const good: { id: string; event: AsyncEvent; retried: boolean }[] = [];
    for (const [id, fields] of entries) {
      const text = fieldOf(fields, "e");
      let event: AsyncEvent;
      try {
        event = decodeEvent(text);
        if (runtimes(event.entity) === undefined) throw new UnknownEntityError(event.entity);
      } catch (error) {
        await deadLetter(p, id, text, error, undefined);
        continue;
      }
      const retried = fieldOf(fields, "retried") !== "";
      // A retried dead letter goes through even while its row is held (by later events set aside behind it).
      if (held.has(rowKey(event)) && !retried) await deadLetter(p, id, text, new Error("held: an earlier event of this row is a dead letter"), undefined);
      else good.push({ id, event, retried });
    }
    const offset = { queue: queue.name, partition: p.index, expected: after, lastId };
    try {
      await applyBatch(queue.mysql, runtimes, good.map((g) => g.event), offset);
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

/** Runs `work` over `items`, at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
