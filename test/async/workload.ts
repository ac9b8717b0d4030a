/**
 * A random workload for the async-flush reliability tests: inserts, updates and deletes of Brand,
 * Customer, OrderLine (queue `default`) and Order (queue `orders`) through `flushAsync()`, with a
 * model of what MySQL must hold once everything is consumed, and checks of MySQL (plain SQL) and
 * of the Redis row cache (plain GET) against that model.
 */
import type { Redis } from "ioredis";
import type { Engine } from "beeorm/runtime";
import { brandEntity, type Orm } from "../../generated/index.js";
import type { Databases } from "./support.js";

export type Kind = "brand" | "customer" | "orderLine" | "order";

const COUNTRIES = ["PL", "DE", "FR", "IT", "US", "JP"];
const STATES = ["new", "paid", "shipped", "delivered", "cancelled"] as const;

type Row = Record<string, unknown>;

/** `2024-01-02 03:04:05` as MySQL prints a datetime (the runtime stores UTC). */
function sqlDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

const TABLES: Record<Kind, { sql: string; expected: (r: Row) => Row }> = {
  brand: {
    sql: "SELECT ID, name, country, founded FROM brands ORDER BY ID",
    expected: (r) => ({ ID: r.id, name: r.name, country: r.country, founded: r.founded }),
  },
  customer: {
    sql: "SELECT ID, email, name, vip, points, balance, lastSeen, country FROM Customer ORDER BY ID",
    expected: (r) => ({
      ID: r.id,
      email: r.email,
      name: r.name,
      vip: r.vip ? 1 : 0,
      points: r.points,
      balance: (r.balance as number).toFixed(2),
      lastSeen: r.lastSeen === null ? null : sqlDate(r.lastSeen as Date),
      country: r.country,
    }),
  },
  orderLine: {
    sql: "SELECT ID, `order`, product, quantity, unitPrice, discount FROM OrderLine ORDER BY ID",
    expected: (r) => ({ ID: r.id, order: r.order, product: r.product, quantity: r.quantity, unitPrice: (r.unitPrice as number).toFixed(2), discount: r.discount }),
  },
  order: {
    sql: "SELECT ID, customer, state, total, placedAt, note FROM orders ORDER BY ID",
    expected: (r) => ({ ID: r.id, customer: r.customer, state: r.state, total: (r.total as number).toFixed(2), placedAt: sqlDate(r.placedAt as Date), note: r.note }),
  },
};

export class Workload {
  /** The rows MySQL must hold once every event is applied, per kind, by id. */
  readonly model: Record<Kind, Map<number, Row>> = { brand: new Map(), customer: new Map(), orderLine: new Map(), order: new Map() };
  /** Events queued: one per row change, plus one log-table row per change of a Customer (`@log("audit")`). */
  events = 0;
  /** Customer id → log rows its changes add to `_log_Customer`. */
  readonly logged = new Map<number, number>();
  counts = { insert: 0, update: 0, delete: 0 };
  private seq = 0;

  constructor(
    private readonly engine: Engine<Orm>,
    private readonly rand: () => number,
    private readonly kinds: readonly Kind[] = ["brand", "customer", "orderLine", "order"],
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }

  /** One flushAsync of `changes` random changes (each row at most once). Returns the events queued. */
  async step(changes: number): Promise<number> {
    const orm = this.engine.newContext();
    const touched = new Set<string>();
    const staged: [Kind, number, Row | undefined][] = [];
    for (let i = 0; i < changes; i++) {
      const kind = this.pick(this.kinds);
      const live = this.model[kind];
      const roll = this.rand();
      const op = live.size < 5 || roll < 0.45 ? "insert" : roll < 0.85 ? "update" : "delete";
      if (op === "insert") {
        const row = await this.insert(orm, kind);
        touched.add(`${kind}:${row.id}`);
        staged.push([kind, row.id as number, row]);
        continue;
      }
      const id = this.pick([...live.keys()]);
      if (touched.has(`${kind}:${id}`)) continue;
      touched.add(`${kind}:${id}`);
      const current = await this.load(orm, kind, id);
      if (op === "delete") {
        (orm[kind] as { delete(e: unknown): void }).delete(current);
        staged.push([kind, id, undefined]);
      } else {
        const draft = (orm[kind] as unknown as { edit(e: unknown): Row }).edit(current);
        this.mutate(kind, draft);
        // An edit that changes nothing queues no event.
        if (JSON.stringify(draft) !== JSON.stringify(current)) staged.push([kind, id, { ...draft }]);
      }
    }
    await orm.flushAsync();
    for (const [kind, id, row] of staged) {
      const existed = this.model[kind].has(id);
      if (row === undefined) {
        this.model[kind].delete(id);
        this.counts.delete++;
      } else {
        this.model[kind].set(id, row);
        this.counts[existed ? "update" : "insert"]++;
      }
    }
    this.events += staged.length + this.log(staged.map(([kind, id]) => [kind, id]));
    return staged.length;
  }

  /** Counts the log rows of logged changes; returns how many events they add. */
  private log(changes: readonly (readonly [Kind, number])[]): number {
    const logged = changes.filter(([kind]) => kind === "customer");
    for (const [, id] of logged) this.logged.set(id, (this.logged.get(id) ?? 0) + 1);
    return logged.length;
  }

  /** One flushAsync inserting one row of each kind (seeds every id counter). */
  async insertEach(): Promise<void> {
    const orm = this.engine.newContext();
    const rows: [Kind, Row][] = [];
    for (const kind of this.kinds) rows.push([kind, await this.insert(orm, kind)]);
    await orm.flushAsync();
    for (const [kind, row] of rows) this.model[kind].set(row.id as number, row);
    this.events += rows.length + this.log(rows.map(([kind, row]) => [kind, row.id as number]));
    this.counts.insert += rows.length;
  }

  /** Runs steps until at least `events` more events are queued. */
  async produce(events: number, perFlush = 20): Promise<void> {
    const target = this.events + events;
    while (this.events < target) await this.step(this.int(1, perFlush));
  }

  private async load(orm: Orm, kind: Kind, id: number): Promise<unknown> {
    const entity = await (orm[kind] as { getById(id: number): Promise<unknown> }).getById(id);
    if (entity === undefined) throw new Error(`read-your-writes: ${kind} ${id} was flushAsync'd but getById does not see it`);
    return entity;
  }

  private async insert(orm: Orm, kind: Kind): Promise<Row> {
    const n = ++this.seq;
    switch (kind) {
      case "brand":
        return { ...(await orm.brand.new({ name: `brand-${n}-${this.int(0, 1e9)}`, country: this.pick(COUNTRIES), founded: this.rand() < 0.3 ? null : this.int(1800, 2024) })) };
      case "customer":
        return {
          ...(await orm.customer.new({
            email: `c${n}-${this.int(0, 1e9)}@example.test`,
            name: `Customer ${n}`,
            country: this.pick(COUNTRIES),
            points: this.int(0, 1000),
            balance: this.int(0, 100_000) / 4,
            vip: this.rand() < 0.2,
            lastSeen: this.rand() < 0.5 ? null : new Date(Date.UTC(2024, 0, 1) + this.int(0, 1e6) * 1000),
          })),
        };
      case "orderLine":
        return {
          ...(await orm.orderLine.new({
            order: this.int(1, 10_000),
            product: this.int(1, 10_000),
            quantity: this.int(1, 50),
            unitPrice: this.int(1, 100_000) / 4,
            discount: this.pick([null, 0.5, 0.25, 0]),
          })),
        };
      case "order":
        return {
          ...(await orm.order.new({
            customer: this.int(1, 10_000),
            total: this.int(0, 1_000_000) / 4,
            placedAt: new Date(Date.UTC(2024, 5, 1) + this.int(0, 1e7) * 1000),
            state: this.pick(STATES),
          })),
        };
    }
  }

  private mutate(kind: Kind, d: Row): void {
    const n = ++this.seq;
    switch (kind) {
      case "brand":
        d.country = this.pick(COUNTRIES);
        if (this.rand() < 0.5) d.founded = this.rand() < 0.2 ? null : this.int(1800, 2024);
        if (this.rand() < 0.2) d.name = `brand-${n}-${this.int(0, 1e9)}`;
        break;
      case "customer":
        d.points = this.int(0, 100_000);
        if (this.rand() < 0.5) d.vip = !d.vip;
        if (this.rand() < 0.5) d.balance = this.int(0, 100_000) / 4;
        if (this.rand() < 0.3) d.lastSeen = this.rand() < 0.3 ? null : new Date(Date.UTC(2024, 0, 1) + this.int(0, 1e6) * 1000);
        if (this.rand() < 0.2) d.email = `c${n}-${this.int(0, 1e9)}@example.test`;
        break;
      case "orderLine":
        d.quantity = this.int(1, 500);
        if (this.rand() < 0.5) d.discount = this.pick([null, 0.5, 0.25, 0.75]);
        if (this.rand() < 0.3) d.unitPrice = this.int(1, 100_000) / 4;
        break;
      case "order":
        d.state = this.pick(STATES);
        if (this.rand() < 0.5) d.note = this.rand() < 0.3 ? null : `note ${n}`;
        if (this.rand() < 0.3) d.total = this.int(0, 1_000_000) / 4;
        break;
    }
  }

  /** The rows of `kind` MySQL must hold, as the plain-SQL query of `mysqlRows` returns them. */
  expected(kind: Kind): Row[] {
    return [...this.model[kind].values()].sort((a, b) => (a.id as number) - (b.id as number)).map(TABLES[kind].expected);
  }

  /** The rows of `kind` in MySQL (plain SQL; needs a connection with `dateStrings: true`). */
  async mysqlRows(db: Databases, kind: Kind): Promise<Row[]> {
    return db.rows(TABLES[kind].sql);
  }

  /** Throws a compact description of every difference between MySQL and the model. */
  async verifyMysql(db: Databases): Promise<{ rows: number }> {
    const problems: string[] = [];
    let rows = 0;
    for (const kind of this.kinds) {
      const actual = await this.mysqlRows(db, kind);
      const expected = this.expected(kind);
      rows += actual.length;
      const byId = new Map(actual.map((r) => [r.ID as number, r]));
      const wanted = new Map(expected.map((r) => [r.ID as number, r]));
      for (const [id, row] of wanted) {
        const got = byId.get(id);
        if (got === undefined) problems.push(`${kind} ${id}: missing in MySQL, expected ${JSON.stringify(row)}`);
        else if (JSON.stringify(got) !== JSON.stringify(row)) problems.push(`${kind} ${id}: MySQL ${JSON.stringify(got)}, expected ${JSON.stringify(row)}`);
      }
      for (const id of byId.keys()) if (!wanted.has(id)) problems.push(`${kind} ${id}: in MySQL but deleted / never created`);
    }
    if (problems.length > 0) throw new Error(`MySQL differs from the flushAsync'd writes (${problems.length} rows):\n  ${problems.slice(0, 15).join("\n  ")}`);
    return { rows };
  }

  /** `_log_Customer` holds exactly one row per queued change of each Customer: none lost, none twice. */
  async verifyLogs(db: Databases): Promise<{ rows: number }> {
    const actual = await db.rows(`SELECT EntityID AS id, COUNT(*) AS n FROM \`${db.names.audit}\`.\`_log_Customer\` GROUP BY EntityID`);
    const got = new Map(actual.map((r) => [Number(r.id), Number(r.n)]));
    const problems = [...new Set([...got.keys(), ...this.logged.keys()])]
      .filter((id) => got.get(id) !== this.logged.get(id))
      .map((id) => `Customer ${id}: ${got.get(id) ?? 0} log rows, expected ${this.logged.get(id) ?? 0}`);
    if (problems.length > 0) throw new Error(`_log_Customer differs (${problems.length} customers):\n  ${problems.slice(0, 15).join("\n  ")}`);
    return { rows: [...got.values()].reduce((a, b) => a + b, 0) };
  }

  /** The Redis row cache of every Brand ever touched holds its final row (or no live row once deleted), read with plain GET. */
  async verifyBrandCache(redis: Redis, namespace = "shop"): Promise<void> {
    const problems: string[] = [];
    const prefix = `${namespace}:{Brand:${brandEntity.schemaHash}}:`;
    const ids = [...this.model.brand.keys()];
    const values = ids.length === 0 ? [] : await redis.mget(ids.map((id) => `${prefix}${id}`));
    ids.forEach((id, i) => {
      const r = this.model.brand.get(id)!;
      const cached = values[i];
      // A row may also have been evicted (null): then reads fall back to MySQL, which is checked separately.
      if (cached === null || cached === undefined) return;
      const want = JSON.stringify([r.id, r.name, r.country, r.founded, null, null]);
      if (cached !== want) problems.push(`Brand ${id}: Redis ${cached}, expected ${want}`);
    });
    if (problems.length > 0) throw new Error(`Redis row cache differs (${problems.length} rows):\n  ${problems.slice(0, 10).join("\n  ")}`);
  }
}
