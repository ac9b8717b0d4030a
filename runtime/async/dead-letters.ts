/**
 * Dead letters: events the consumer could not apply (a permanent MySQL error, a malformed event)
 * and the later events of their rows, held back so that a row's events never apply out of
 * order. They wait in the queue's dead-letter stream until a person retries or discards them.
 *
 * Retry moves events back to the end of their partition's stream (new ids, same text, a
 * `retried` field naming the dead letter, in their dead-letter order); both operations remove them from the dead-letter stream and release their
 * rows from the held set once no other dead letter of the row remains. Each runs as one
 * MULTI/EXEC guarded by WATCH on the dead-letter stream, so a dead letter the consumer adds
 * meanwhile is never lost or released by mistake.
 */
import type { Redis } from "ioredis";
import type { Engine } from "../engine.js";
import type { QueueTarget } from "./consume.js";
import { decodeEvent } from "./events.js";
import { PARTITIONS, QueueKeys } from "./queue-keys.js";
import { checkLimit } from "./inspect.js";
import { selectQueues, streamField } from "./queue-select.js";

/** One dead letter, as `engine.deadLetters()` lists it. */
export interface DeadLetter {
  /** Its id in the dead-letter stream (what retry / discard take). */
  readonly id: string;
  readonly queue: string;
  readonly redisPool: string;
  /** The partition the event came from (and goes back to on retry). */
  readonly partition: number;
  /** Its id in the partition stream it came from. */
  readonly source: string;
  /** The event as queued (JSON). */
  readonly event: string;
  /** Why it was not applied: the MySQL error, "malformed event …", or "held: …" for an event held behind an earlier dead letter of its row. */
  readonly error: string;
  /** When it was dead-lettered (ISO 8601). */
  readonly at: string;
  /** The held-row key (`Entity:id`) of its row; undefined for a malformed event. */
  readonly row: string | undefined;
}

type StreamEntry = [id: string, fields: string[]];

const WATCH_ATTEMPTS = 20;

/** The first `limit` dead letters of `queue` (`name`, or `name@redisPool`), oldest first. */
export async function listDeadLetters(engine: Engine<unknown>, queue: string, limit = 100): Promise<DeadLetter[]> {
  checkLimit(limit);
  const letters: DeadLetter[] = [];
  for (const target of selectQueues(engine, queue)) {
    const entries = (await target.redis.raw.xrange(target.keys.deadLetters(), "-", "+", "COUNT", limit)) as StreamEntry[];
    letters.push(...entries.map((entry) => deadLetter(target, entry)));
  }
  return letters.slice(0, limit);
}

/**
 * Moves the dead letter `id` (or all of them when `id` is undefined) back to the end of its
 * partition stream, for the consumer to apply again. Resolves to how many were moved.
 */
export function retryDeadLetters(engine: Engine<unknown>, queue: string, id?: string): Promise<number> {
  return repair(engine, queue, id, true);
}

/** Deletes the dead letter `id` (or all of them when `id` is undefined). Resolves to how many were deleted. */
export function discardDeadLetters(engine: Engine<unknown>, queue: string, id?: string): Promise<number> {
  return repair(engine, queue, id, false);
}

async function repair(engine: Engine<unknown>, queue: string, id: string | undefined, retry: boolean): Promise<number> {
  let count = 0;
  for (const target of selectQueues(engine, queue)) {
    // WATCH is per connection: a connection of our own, so no other command can interfere.
    const connection = target.redis.raw.duplicate({ maxRetriesPerRequest: 2 });
    connection.on("error", () => undefined);
    try {
      count += await repairQueue(connection, target, id, retry);
    } finally {
      await connection.quit().catch(() => connection.disconnect());
    }
  }
  return count;
}

async function repairQueue(connection: Redis, target: QueueTarget, id: string | undefined, retry: boolean): Promise<number> {
  const dead = target.keys.deadLetters();
  for (let attempt = 0; attempt < WATCH_ATTEMPTS; attempt++) {
    await connection.watch(dead);
    const all = ((await connection.xrange(dead, "-", "+")) as StreamEntry[]).map((entry) => deadLetter(target, entry));
    const chosen = all.filter((letter) => id === undefined || letter.id === id);
    if (chosen.length === 0) {
      await connection.unwatch();
      return 0;
    }
    const chosenIds = new Set(chosen.map((letter) => letter.id));
    const remaining = all.filter((letter) => !chosenIds.has(letter.id));
    if (retry) {
      // A row's events apply in order: an event can be retried only with every older dead letter of its row.
      for (const letter of chosen) {
        const older = remaining.find((other) => other.row !== undefined && other.row === letter.row && compareIds(other.id, letter.id) < 0);
        if (older !== undefined) {
          await connection.unwatch();
          throw new Error(`retry dead letter ${older.id} of ${letter.row} first (or all of them with --all): events of a row apply in order`);
        }
      }
    }
    const stillDead = new Set(remaining.map((letter) => letter.row));
    const candidates = [...new Set(chosen.map((letter) => letter.row))].filter((row): row is string => row !== undefined && !stillDead.has(row));
    // A row with events still waiting in its partition stays held: those events (queued after
    // its dead letters) are set aside by the consumer, behind them, and retried later in order.
    const released: string[] = [];
    for (const row of candidates) if (!(await hasPending(connection, target, chosen.find((l) => l.row === row)!.partition, row))) released.push(row);
    const tx = connection.multi();
    // `retried` (the dead-letter id) marks the entry for the consumer: its row's caches were dropped
    // and may since hold "missing", so they need dropping again once the event is applied.
    if (retry) for (const letter of chosen) tx.xadd(target.keys.stream(letter.partition), "*", "e", letter.event, "retried", letter.id);
    tx.xdel(dead, ...chosenIds);
    tx.srem(target.keys.deadMarks(), ...chosen.map((letter) => `${letter.partition}:${letter.source}`));
    if (released.length > 0) tx.srem(target.keys.held(), ...released);
    const results = await tx.exec();
    if (results === null) continue; // the consumer added a dead letter meanwhile: read again
    const failure = results.find(([error]) => error !== null);
    if (failure) throw failure[0];
    return chosen.length;
  }
  throw new Error(`the dead letters of queue "${target.name}" kept changing; try again`);
}

/** Whether the partition stream still holds an event of `row` waiting for the consumer. */
async function hasPending(connection: Redis, target: QueueTarget, partition: number, row: string): Promise<boolean> {
  const entries = (await connection.xrange(target.keys.stream(partition), "-", "+")) as StreamEntry[];
  return entries.some((entry) => entry[1].includes("retried") === false && deadLetter(target, entry).row === row);
}

/** Orders stream ids (`ms-seq`). */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am !== bm ? am - bm : as - bs;
}

function deadLetter(target: QueueTarget, [id, fields]: StreamEntry): DeadLetter {
  const event = streamField(fields, "e") ?? "";
  let row: string | undefined;
  let rowId: number | undefined;
  try {
    const decoded = decodeEvent(event);
    row = `${decoded.entity}:${decoded.id}`;
    rowId = decoded.id;
  } catch {
    // malformed: no row to hold or release
  }
  const stored = Number(streamField(fields, "partition"));
  const partition = Number.isInteger(stored) && stored >= 0 && stored < PARTITIONS ? stored : rowId === undefined ? 0 : QueueKeys.partitionOf(rowId);
  return {
    id,
    queue: target.name,
    redisPool: target.redis.name,
    partition,
    source: streamField(fields, "source") ?? "",
    event,
    error: streamField(fields, "error") ?? "",
    at: streamField(fields, "at") ?? "",
    row,
  };
}
