/**
 * Inspection of the async-flush queues: how many events wait in each, how old the oldest is,
 * how many dead letters there are, and the pending events themselves. Read-only; reads Redis
 * only, so it works while MySQL is down (which is when it is most useful).
 */
import type { Engine } from "../engine.js";
import type { QueueTarget } from "./consume.js";
import { decodeEvent } from "./events.js";
import { PARTITIONS } from "./queue-keys.js";
import { compareStreamIds, selectQueues, sortedQueues, streamField, streamIdMs } from "./queue-select.js";

/** The state of one partition of a queue. */
export interface PartitionStatus {
  readonly partition: number;
  /** Events waiting in the partition's stream. */
  readonly pending: number;
  /** Age of the partition's oldest waiting event in ms (Redis clock); 0 when none waits. */
  readonly lagMs: number;
}

/** The state of one queue in one Redis pool, as `engine.asyncQueues()` reports it. */
export interface QueueStatus {
  /** The queue's name: `@asyncQueue("…")`, else the MySQL pool's name. */
  readonly queue: string;
  /** The Redis pool holding the queue (the entities' `@redisCache` pool, else `default`). */
  readonly redisPool: string;
  /** The MySQL pool its events are applied to. */
  readonly mysqlPool: string;
  /** Events waiting, over all partitions. */
  readonly pending: number;
  /** Age of the oldest waiting event in ms; 0 when the queue is empty. */
  readonly lagMs: number;
  /** Events in the dead-letter list. */
  readonly deadLetters: number;
  /**
   * Events taken off the queue since its streams were created (applied or dead-lettered), from the
   * streams' own counters. Two readings a few seconds apart give the consumers' throughput.
   */
  readonly processed: number;
  /** Every partition, in order. */
  readonly partitions: readonly PartitionStatus[];
}

/** A waiting event, decoded where possible (a malformed one has only `raw`). */
export interface PendingEvent {
  /** The stream id (`<ms>-<seq>`): the time it was queued, then its order. */
  readonly id: string;
  readonly queue: string;
  readonly redisPool: string;
  readonly partition: number;
  /** The entity name, e.g. `Order`. */
  readonly entity: string | undefined;
  readonly op: "insert" | "update" | "delete" | "log" | undefined;
  /** The id of the changed row. */
  readonly rowId: number | undefined;
  /** The event as queued (JSON). */
  readonly raw: string;
}

type StreamEntry = [id: string, fields: string[]];
type PipelineResult = [error: Error | null, result: unknown][];

const OPS = { i: "insert", u: "update", d: "delete", l: "log" } as const;

/** The state of every queue of the engine, sorted by queue name and Redis pool. */
export async function asyncQueueStatus(engine: Engine<unknown>): Promise<QueueStatus[]> {
  return Promise.all(sortedQueues(engine).map(queueStatus));
}

async function queueStatus(target: QueueTarget): Promise<QueueStatus> {
  const pipeline = target.redis.raw.pipeline().time();
  for (let p = 0; p < PARTITIONS; p++) {
    const stream = target.keys.stream(p);
    pipeline.xlen(stream).xrange(stream, "-", "+", "COUNT", 1).xinfo("STREAM", stream);
  }
  pipeline.xlen(target.keys.deadLetters());
  const results = ((await pipeline.exec()) ?? []) as PipelineResult;
  const value = (i: number): unknown => {
    const [error, result] = results[i] ?? [new Error("Redis pipeline returned too few replies"), undefined];
    if (error !== null) throw error;
    return result;
  };
  const [seconds, micros] = value(0) as [string, string];
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const partitions: PartitionStatus[] = [];
  let processed = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const base = 1 + p * 3;
    const pending = Number(value(base));
    const oldest = (value(base + 1) as StreamEntry[])[0];
    partitions.push({ partition: p, pending, lagMs: oldest === undefined ? 0 : Math.max(0, now - streamIdMs(oldest[0])) });
    const [infoError, info] = results[base + 2] ?? [null, undefined];
    if (infoError === null) processed += Math.max(0, entriesAdded(info) - pending);
  }
  return {
    queue: target.name,
    redisPool: target.redis.name,
    mysqlPool: target.mysql.name,
    pending: partitions.reduce((sum, p) => sum + p.pending, 0),
    lagMs: Math.max(0, ...partitions.map((p) => p.lagMs)),
    deadLetters: Number(value(1 + PARTITIONS * 3)),
    processed,
    partitions,
  };
}

/** `entries-added` of an XINFO STREAM reply (Redis ≥ 7; 0 before). */
function entriesAdded(info: unknown): number {
  if (!Array.isArray(info)) return 0;
  const at = info.indexOf("entries-added");
  return at < 0 ? 0 : Number(info[at + 1]) || 0;
}

/**
 * The oldest waiting events of `queue` (`name`, or `name@redisPool`), across its partitions, in
 * the order they were queued. Throws UnknownQueueError for a name no entity uses.
 */
export async function peekAsyncEvents(engine: Engine<unknown>, queue: string, limit = 20): Promise<PendingEvent[]> {
  checkLimit(limit);
  const events: PendingEvent[] = [];
  for (const target of selectQueues(engine, queue)) {
    const pipeline = target.redis.raw.pipeline();
    for (let p = 0; p < PARTITIONS; p++) pipeline.xrange(target.keys.stream(p), "-", "+", "COUNT", limit);
    const results = ((await pipeline.exec()) ?? []) as PipelineResult;
    results.forEach(([error, entries], partition) => {
      if (error !== null) throw error;
      for (const [id, fields] of entries as StreamEntry[]) events.push(pendingEvent(target, partition, id, streamField(fields, "e") ?? ""));
    });
  }
  return events.sort((a, b) => compareStreamIds(a.id, b.id)).slice(0, limit);
}

function pendingEvent(target: QueueTarget, partition: number, id: string, raw: string): PendingEvent {
  const base = { id, queue: target.name, redisPool: target.redis.name, partition, raw };
  try {
    const event = decodeEvent(raw);
    return { ...base, entity: event.entity, op: OPS[event.op], rowId: event.id };
  } catch {
    return { ...base, entity: undefined, op: undefined, rowId: undefined };
  }
}

/** Throws a RangeError unless `limit` is a positive integer. */
export function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, not ${limit}`);
}
