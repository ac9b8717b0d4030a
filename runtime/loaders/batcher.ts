/**
 * Coalesces the getById calls of one entity made in the same tick into one getByIds: a hundred
 * concurrent reads cost one MGET (and at most one SELECT) instead of a hundred round trips.
 */
import type { EntityRuntime } from "../entity-runtime.js";
import type { QueryLog } from "../query-log.js";
import { loadByIds } from "./load-by-ids.js";

type Entity = { id: number };

interface Waiter<D> {
  readonly id: number;
  readonly resolve: (entity: D | undefined) => void;
  readonly reject: (error: unknown) => void;
}

export class Batcher<D extends Entity> {
  private waiting: Waiter<D>[] = [];

  constructor(
    private readonly runtime: EntityRuntime<D>,
    private readonly log: QueryLog,
  ) {}

  /** Resolves to the entity with `id`, loaded together with the other ids asked for in this tick. */
  load(id: number): Promise<D | undefined> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ id, resolve, reject }) === 1) queueMicrotask(() => this.run());
    });
  }

  private run(): void {
    const waiters = this.waiting;
    this.waiting = [];
    loadByIds(this.runtime, waiters.map((w) => w.id), this.log).then(
      (entities) => waiters.forEach((w, i) => w.resolve(entities[i])),
      (error: unknown) => waiters.forEach((w) => w.reject(error)),
    );
  }
}
