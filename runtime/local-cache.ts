/**
 * The in-process cache of one entity: frozen entities (or the missing marker) by id, LRU-limited
 * when the schema gives a limit. A generation counter lets a read-fill detect that a write or an
 * invalidation happened while it was loading, so it never stores stale data.
 */
import { LRUCache } from "lru-cache";

/** Stored for ids known not to exist. */
export const MISSING: unique symbol = Symbol("missing");

export type LocalEntry<E> = E | typeof MISSING;

export class LocalCache<E extends object> {
  private readonly entries: Map<number, LocalEntry<E>> | LRUCache<number, LocalEntry<E>>;
  /** Bumped by every write and eviction; compare before and after a load. */
  generation = 0;

  /** `limit` 0 = unbounded. */
  constructor(limit: number) {
    this.entries = limit > 0 ? new LRUCache<number, LocalEntry<E>>({ max: limit }) : new Map<number, LocalEntry<E>>();
  }

  get(id: number): LocalEntry<E> | undefined {
    return this.entries.get(id);
  }

  /** Stores an entry written by this process (a flush). */
  set(id: number, entry: LocalEntry<E>): void {
    this.generation++;
    this.entries.set(id, entry);
  }

  /** Stores a loaded entry unless a write happened since `generation` was read. */
  fill(id: number, entry: LocalEntry<E>, generation: number): void {
    if (generation === this.generation) this.entries.set(id, entry);
  }

  /** Drops entries (another process changed them). */
  evict(ids: Iterable<number>): void {
    this.generation++;
    for (const id of ids) this.entries.delete(id);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
