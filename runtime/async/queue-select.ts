/**
 * Finding queues by the name a person types, and reading Redis stream ids. Shared by the
 * inspection and repair API (inspect.ts, dead-letters.ts) and the consumer CLI.
 */
import type { Engine } from "../engine.js";
import { queuesOf, type QueueTarget } from "./consume.js";

/** A queue name that no entity of the schema uses. The message lists the known queues. */
export class UnknownQueueError extends Error {
  override readonly name = "UnknownQueueError";

  constructor(
    /** The name asked for. */
    readonly queue: string,
    /** Every queue of the engine, as `asyncQueues()` names them. */
    readonly known: readonly string[],
  ) {
    super(`unknown async queue "${queue}" (queues: ${known.length === 0 ? "none" : known.join(", ")})`);
  }
}

/** Every queue of the engine, sorted by name, then Redis pool. */
export function sortedQueues(engine: Engine<unknown>): QueueTarget[] {
  return queuesOf(engine).sort((a, b) => compareText(a.name, b.name) || compareText(a.redis.name, b.redis.name));
}

/**
 * The queues called `name`: every Redis pool's queue of that name, or only one pool's when the
 * name is qualified as `queue@redisPool` (a queue name may live in several Redis pools when
 * entities of one MySQL pool cache in different Redis pools). Throws UnknownQueueError.
 */
export function selectQueues(engine: Engine<unknown>, name: string): QueueTarget[] {
  const all = sortedQueues(engine);
  const at = name.lastIndexOf("@");
  const [queue, pool] = at < 0 ? [name, undefined] : [name.slice(0, at), name.slice(at + 1)];
  const found = all.filter((q) => q.name === queue && (pool === undefined || q.redis.name === pool));
  if (found.length === 0) throw new UnknownQueueError(name, queueNames(all));
  return found;
}

/** Distinct queue names, qualified with `@redisPool` where a name lives in several pools. */
export function queueNames(queues: readonly QueueTarget[]): string[] {
  const count = new Map<string, number>();
  for (const q of queues) count.set(q.name, (count.get(q.name) ?? 0) + 1);
  const names = queues.map((q) => ((count.get(q.name) ?? 0) > 1 ? `${q.name}@${q.redis.name}` : q.name));
  return [...new Set(names)];
}

/** The millisecond timestamp of a stream id (`1700000000000-3` → 1700000000000). */
export function streamIdMs(id: string): number {
  const dash = id.indexOf("-");
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** Orders stream ids as Redis does (by time, then sequence). */
export function compareStreamIds(a: string, b: string): number {
  const [msA = 0, seqA = 0] = a.split("-").map(Number);
  const [msB = 0, seqB = 0] = b.split("-").map(Number);
  return msA - msB || seqA - seqB;
}

/** The value of `name` in a stream entry's flat field list, or undefined. */
export function streamField(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
