/**
 * The base of every generated repository (`orm.category`, `orm.product`, …): creating, editing
 * and deleting entities in a context, and every loader. Generated subclasses add one typed
 * `getBy<Index>` per index.
 */
import type { OrmContext } from "./context.js";
import type { EntityDescriptor } from "./entity-descriptor.js";
import type { EntityRuntime } from "./entity-runtime.js";
import { draftCopy } from "./frozen.js";
import { Batcher } from "./loaders/batcher.js";
import { findAll, findMany, findUnique, selectMany } from "./loaders/load-by-index.js";
import { loadByIds, localHit } from "./loaders/load-by-ids.js";
import { readLogs, type LogEntry } from "./logs.js";
import type { QueryLog } from "./query-log.js";
import { bindWhere, limitClause, type Pager } from "./where.js";

const batchers = new WeakMap<EntityRuntime, Batcher<{ id: number }>>();

export class Repository<D extends { id: number }, I, E extends { readonly id: number }> {
  /** @internal */
  protected readonly runtime: EntityRuntime<D>;
  private readonly log: QueryLog;

  constructor(
    /** The context changes are tracked in. */
    protected readonly context: OrmContext,
    private readonly descriptor: EntityDescriptor<D, I>,
  ) {
    this.runtime = context.engine.runtime(descriptor) as EntityRuntime<D>;
    this.log = context.engine.log;
  }

  /** The runtime with the draft type erased, as contexts store it. */
  private get erased(): EntityRuntime {
    return this.runtime as unknown as EntityRuntime;
  }

  /**
   * A new entity with its id already assigned, tracked for insertion by the next flush.
   *
   * @example
   * ```ts
   * const cars = await orm.category.new({ name: "Cars", code: "cars" });
   * await orm.flush();
   * ```
   */
  async new(input: I): Promise<D> {
    const id = await this.runtime.ids.take();
    const draft = this.descriptor.create(id, input);
    this.context.track(this.erased, id, { op: "insert", draft });
    return draft;
  }

  /**
   * A mutable copy of `entity`; the next flush updates the columns changed on it (an unchanged
   * copy runs no query). Editing the same entity again in this context returns the same draft.
   *
   * @example
   * ```ts
   * const draft = orm.category.edit(category);
   * draft.name = "Autos";
   * await orm.flush(); // UPDATE `Category` SET `name` = ? WHERE `ID` = ?
   * ```
   */
  edit(entity: E | D): D {
    const tracked = this.context.tracked.get(this.erased)?.get(entity.id);
    if (tracked !== undefined && tracked.op !== "delete" && tracked.draft === entity) return entity as D;
    if (tracked !== undefined && tracked.op === "update" && tracked.source === entity) return tracked.draft as D;
    if (tracked?.op === "insert") return tracked.draft as D;
    const draft = draftCopy(entity as D);
    this.context.track(this.erased, entity.id, { op: "update", draft, source: entity });
    return draft;
  }

  /**
   * A new entity with a new id and every other field copied from `entity`, tracked for insertion.
   *
   * @example
   * ```ts
   * const twin = await orm.product.copy(product);
   * twin.sku = "T-2";
   * await orm.flush();
   * ```
   */
  async copy(entity: E | D): Promise<D> {
    const draft = draftCopy(entity as D);
    draft.id = await this.runtime.ids.take();
    this.context.track(this.erased, draft.id, { op: "insert", draft });
    return draft;
  }

  /**
   * Tracks `entity` for deletion by the next flush (deleting a not yet flushed new entity just forgets it).
   *
   * @example
   * ```ts
   * orm.product.delete(product);
   * await orm.flush(); // DELETE FROM `Product` WHERE `ID` IN (?)
   * ```
   */
  delete(entity: E | D): void {
    this.context.track(this.erased, entity.id, { op: "delete", entity });
  }

  /**
   * The entity with `id`, or undefined: from the local cache, else Redis, else MySQL (filling the
   * faster tiers; a missing id is cached as missing). Calls made in the same tick share one batch.
   *
   * @example
   * ```ts
   * const category = await orm.category.getById(1);
   * ```
   */
  getById(id: number): Promise<E | undefined> {
    if (!isId(id)) return Promise.resolve(undefined);
    const hit = localHit(this.runtime, id, this.log);
    if (hit !== null) return Promise.resolve(hit as unknown as E | undefined);
    let batcher = batchers.get(this.erased);
    if (batcher === undefined) {
      batcher = new Batcher(this.erased, this.log);
      batchers.set(this.erased, batcher);
    }
    return batcher.load(id) as Promise<E | undefined>;
  }

  /**
   * The entities with `ids`, in the same order and length; undefined where an id does not exist.
   * Each tier is asked once: one MGET, one `SELECT … WHERE ID IN (…)`.
   *
   * @example
   * ```ts
   * const [a, missing, b] = await orm.category.getByIds([1, 999, 2]);
   * ```
   */
  async getByIds(ids: readonly number[]): Promise<(E | undefined)[]> {
    if (ids.every((id) => isId(id))) return (await loadByIds(this.runtime, ids, this.log)) as unknown as (E | undefined)[];
    const valid = ids.filter(isId);
    const loaded = await loadByIds(this.runtime, valid, this.log);
    const byId = new Map(valid.map((id, i) => [id, loaded[i]]));
    return ids.map((id) => byId.get(id) as E | undefined);
  }

  /**
   * Every entity, ordered by id: from a cached id set with `@cacheAll`, else `SELECT … ORDER BY ID`.
   *
   * @example
   * ```ts
   * const categories = await orm.category.getAll();
   * ```
   */
  getAll(): Promise<E[]> {
    return findAll(this.runtime, this.log) as unknown as Promise<E[]>;
  }

  /**
   * The entities matching an SQL condition, ordered by id unless the condition says `ORDER BY`.
   * Values are always bound; an array value expands its `?` (write `IN (?)`). Searches read MySQL.
   *
   * @example
   * ```ts
   * const page = await orm.product.search("stock > ? AND category IN (?)", [0, [1, 2]], { page: 1, size: 20 });
   * ```
   */
  async search(where = "1 = 1", params: readonly unknown[] = [], pager?: Pager): Promise<E[]> {
    const { sql, params: bound } = bindWhere(orderById(where), params);
    const { selectFrom, selectIdsFrom } = this.runtime.descriptor.sql;
    const tail = `WHERE ${sql}${limitClause(pager)}`;
    return (await selectMany(this.runtime, selectIdsFrom + tail, selectFrom + tail, bound, this.log)) as unknown as E[];
  }

  /**
   * The ids of the entities matching an SQL condition.
   *
   * @example
   * ```ts
   * const ids = await orm.product.searchIds("stock = ?", [0]);
   * ```
   */
  async searchIds(where = "1 = 1", params: readonly unknown[] = [], pager?: Pager): Promise<number[]> {
    const { sql, params: bound } = bindWhere(orderById(where), params);
    const rows = await this.runtime.mysql.select(`${this.runtime.descriptor.sql.selectIdsFrom}WHERE ${sql}${limitClause(pager)}`, bound);
    return rows.map((row) => Number(row[0]));
  }

  /**
   * The first entity matching an SQL condition, or undefined.
   *
   * @example
   * ```ts
   * const newest = await orm.product.searchOne("1 = 1 ORDER BY `createdAt` DESC");
   * ```
   */
  async searchOne(where = "1 = 1", params: readonly unknown[] = []): Promise<E | undefined> {
    const [first] = await this.search(where, params, { page: 1, size: 1 });
    return first;
  }

  /**
   * How many entities match an SQL condition.
   *
   * @example
   * ```ts
   * const inStock = await orm.product.count("stock > ?", [0]);
   * ```
   */
  async count(where = "1 = 1", params: readonly unknown[] = []): Promise<number> {
    const { sql, params: bound } = bindWhere(where, params);
    const [row] = await this.runtime.mysql.select(`${this.runtime.descriptor.sql.countFrom}WHERE ${sql}`, bound);
    return Number(row?.[0] ?? 0);
  }

  /** For generated repositories: the entity whose unique index `position` has these values (in their bound form). */
  protected findUnique(position: number, values: readonly unknown[]): Promise<E | undefined> {
    return findUnique(this.runtime, position, values, this.log) as unknown as Promise<E | undefined>;
  }

  /** For generated repositories: the entities whose index `position` has these values (in their bound form), ordered by id. */
  protected findMany(position: number, values: readonly unknown[]): Promise<E[]> {
    return findMany(this.runtime, position, values, this.log) as unknown as Promise<E[]>;
  }

  /**
   * The rows of the entity's `@log` table for one id, oldest first; generated repositories of
   * logged entities expose it as `getLogs`.
   */
  protected readLogs(id: number, pager?: Pager): Promise<LogEntry[]> {
    const log = this.descriptor.logTable;
    if (log === undefined) throw new Error(`${this.descriptor.name} has no @log table`);
    return readLogs(this.context.engine.mysql(log.mysqlPool), log.table, id, pager);
  }
}

function isId(id: unknown): id is number {
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0;
}

function orderById(where: string): string {
  return /\border\s+by\b/i.test(where) ? where : `${where} ORDER BY \`ID\``;
}
