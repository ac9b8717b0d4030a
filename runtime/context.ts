/**
 * A unit of work. Loaders read through it; `new`, `edit`, `copy` and `delete` track changes that
 * `flush()` writes. Generated code extends it with one repository property per entity.
 */
import type { Engine } from "./engine.js";
import type { EntityRuntime } from "./entity-runtime.js";
import { flushAsyncContext } from "./async/flush-async.js";
import { flushContext } from "./flush/flush.js";

/** One tracked change. `source` is the loaded entity an update was made from. */
export type Tracked =
  | { readonly op: "insert"; readonly draft: { id: number } }
  | { readonly op: "update"; readonly draft: { id: number }; readonly source: { id: number } }
  | { readonly op: "delete"; readonly entity: { id: number } };

export class OrmContext {
  /** @internal Tracked changes by entity runtime, then id. */
  readonly tracked = new Map<EntityRuntime, Map<number, Tracked>>();
  private metaData: Record<string, string> = {};

  constructor(
    /** The engine this context belongs to. */
    readonly engine: Engine<unknown>,
  ) {}

  /**
   * Writes every tracked change: per MySQL pool one transaction (deletes, inserts, updates), then
   * the caches. Validation runs first; on any failure nothing is written and the context keeps
   * its changes, so the caller can fix them and flush again.
   */
  async flush(): Promise<void> {
    await flushContext(this);
  }

  /**
   * Like `flush()`, but MySQL is written later by a consumer: validation and every cache write
   * happen now, and the changes are queued in Redis in the same MULTI. When it resolves, every
   * cached read (getById/Ids, cached unique, reference, index and all lookups) sees the changes,
   * and they survive a crash of this process; searches see them once the consumer applied them.
   *
   * @example
   * ```ts
   * const order = await orm.order.new({ customer: ann.id, total: 10, placedAt: new Date() });
   * await orm.flushAsync();
   * ```
   */
  async flushAsync(): Promise<void> {
    await flushAsyncContext(this);
  }

  /** Forgets every tracked change. */
  clear(): void {
    this.tracked.clear();
  }

  /** True when `entity` (a draft from new/edit/copy, or an entity passed to delete) has changes a flush would write. */
  isDirty(entity: { readonly id: number }): boolean {
    for (const [runtime, byId] of this.tracked) {
      const change = byId.get(entity.id);
      if (change === undefined) continue;
      if (change.op === "delete") {
        if (change.entity === entity) return true;
      } else if (change.draft === entity) {
        return change.op === "insert" || runtime.descriptor.changes(change.source, change.draft).length > 0;
      }
    }
    return false;
  }

  /** Metadata attached to this context's queries (and, later, its log-table rows). */
  setMeta(key: string, value: string): void {
    this.metaData = { ...this.metaData, [key]: value };
  }

  /** The metadata set with `setMeta`. */
  get meta(): Readonly<Record<string, string>> {
    return this.metaData;
  }

  /** @internal Records a change, replacing an earlier one of the same entity. */
  track(runtime: EntityRuntime, id: number, change: Tracked): void {
    let byId = this.tracked.get(runtime);
    if (byId === undefined) this.tracked.set(runtime, (byId = new Map()));
    const earlier = byId.get(id);
    if (change.op === "delete" && earlier?.op === "insert") {
      byId.delete(id);
      return;
    }
    byId.set(id, change);
  }
}
