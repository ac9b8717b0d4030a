/**
 * Log tables (`@log`) against the real servers: inserts, updates and deletes by flush() and by
 * flushAsync() add rows to `_log_<table>` once the consumer has run, with before/after/meta read
 * back as JSON from MySQL. Product logs beside itself (pool default, its own queue); Customer
 * logs into pool audit (through the audit queue).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orm } from "../../generated/index.js";
import { QueueKeys } from "../../runtime/async/queue-keys.js";
import type { Engine } from "../../runtime/index.js";
import { asyncHarness, type AsyncHarness } from "./harness.js";

let h: AsyncHarness;
let engine: Engine<Orm>;

beforeAll(async () => {
  h = await asyncHarness("logs", 13);
  engine = await h.engine();
});

afterAll(async () => {
  await h?.close();
});

interface LogRow {
  EntityID: string | number;
  Date: string;
  Meta: unknown;
  Before: unknown;
  After: unknown;
}

/** The log rows of one entity, read with plain SQL; JSON columns parsed. */
async function logRows(database: string, table: string, id: number): Promise<LogRow[]> {
  const [rows] = await h.admin.query(`SELECT EntityID, DATE_FORMAT(Date, '%Y-%m-%d %H:%i:%s') AS Date, Meta, \`Before\`, \`After\` FROM \`${database}\`.\`${table}\` WHERE EntityID = ? ORDER BY ID`, [id]);
  const parse = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : v);
  return (rows as LogRow[]).map((r) => ({ ...r, EntityID: Number(r.EntityID), Meta: parse(r.Meta), Before: parse(r.Before), After: parse(r.After) }));
}

async function drain(): Promise<void> {
  const result = await engine.consumeAsyncFlushEvents({ block: false });
  expect(result.deadLettered).toBe(0);
}

function secondsAround(start: number): [string, string] {
  const format = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
  return [format(Math.floor(start / 1000) * 1000), format(Date.now())];
}

describe("@log through flush()", () => {
  it("logs an insert, an update of two columns and a delete, with the context's meta, once the consumer ran", async () => {
    const started = Date.now();
    const orm = engine.newContext();
    orm.setMeta("user", "42");
    orm.setMeta("reason", "restock");
    const cars = await orm.category.new({ name: "Cars", code: "log-cars" });
    const product = await orm.product.new({ title: "Model T", price: 9.5, stock: 3, category: cars.id, createdAt: new Date("2024-01-02T03:04:05Z"), sku: "LOG-1", tags: ["new", "eco"] });
    await orm.flush();

    const draft = orm.product.edit((await orm.product.getById(product.id))!);
    draft.stock = 7;
    draft.title = "Model T2";
    await orm.flush();
    orm.product.delete((await orm.product.getById(product.id))!);
    await orm.flush();

    // Nothing in MySQL before the consumer runs: the rows travel through the queue.
    expect(await logRows(h.databases.default, "_log_Product", product.id)).toEqual([]);
    await drain();

    const rows = await logRows(h.databases.default, "_log_Product", product.id);
    const meta = { user: "42", reason: "restock" };
    const full = { title: "Model T", price: 9.5, stock: 3, weight: null, category: cars.id, brand: null, tags: "new,eco", rating: "PG", createdAt: "2024-01-02 03:04:05", releaseOn: null, photo: null, description: null, SKU: "LOG-1" };
    expect(rows.map(({ Date: _, ...rest }) => rest)).toEqual([
      { EntityID: product.id, Meta: meta, Before: null, After: full },
      { EntityID: product.id, Meta: meta, Before: { title: "Model T", stock: 3 }, After: { title: "Model T2", stock: 7 } },
      { EntityID: product.id, Meta: meta, Before: { ...full, title: "Model T2", stock: 7 }, After: null },
    ]);
    const [from, to] = secondsAround(started);
    for (const row of rows) expect(row.Date >= from && row.Date <= to, row.Date).toBe(true);

    // getLogs reads the same rows back.
    const logs = await orm.product.getLogs(product.id);
    expect(logs.map((l) => [l.entityId, l.meta, l.before, l.after])).toEqual(rows.map((r) => [r.EntityID, r.Meta, r.Before, r.After]));
    expect(logs.map((l) => l.date.toISOString().slice(0, 19).replace("T", " "))).toEqual(rows.map((r) => r.Date));
    expect(logs[0]!.id).toBeLessThan(logs[1]!.id);
    expect(await orm.product.getLogs(product.id, { page: 2, size: 2 })).toEqual([logs[2]]);
  });

  it("writes a NULL meta when the context has none, and logs nothing for a validation failure", async () => {
    const orm = engine.newContext();
    const customer = await orm.customer.new({ email: "log-plain@example.com", name: "Plain", country: "PL" });
    await orm.flush();
    const queued = await totalQueued();
    const draft = orm.customer.edit((await orm.customer.getById(customer.id))!);
    draft.country = "toolong";
    await expect(orm.flush()).rejects.toThrow(/country/);
    expect(await totalQueued()).toBe(queued);
    orm.clear();
    await drain();
    expect((await logRows(h.databases.audit, "_log_Customer", customer.id)).map((r) => [r.Meta, r.Before])).toEqual([[null, null]]);
  });
});

describe("@log through flushAsync()", () => {
  it("logs into another pool's log table, in order, alongside the entity's own rows", async () => {
    const orm = engine.newContext();
    orm.setMeta("job", "import");
    const customer = await orm.customer.new({ email: "log-async@example.com", name: "Async", country: "DE", points: 5 });
    await orm.flushAsync();
    for (const points of [6, 7]) {
      const draft = orm.customer.edit((await orm.customer.getById(customer.id))!);
      draft.points = points;
      await orm.flushAsync();
    }
    orm.customer.delete((await orm.customer.getById(customer.id))!);
    await orm.flushAsync();

    const pending = await engine.peekAsyncEvents("audit", 100);
    expect(pending.filter((e) => e.rowId === customer.id).map((e) => e.op)).toEqual(["log", "log", "log", "log"]);
    await drain();

    const rows = await logRows(h.databases.audit, "_log_Customer", customer.id);
    const full = { email: "log-async@example.com", name: "Async", birthday: null, vip: false, points: 5, balance: 0, lastSeen: null, country: "DE" };
    expect(rows.map(({ Date: _, ...rest }) => rest)).toEqual([
      { EntityID: customer.id, Meta: { job: "import" }, Before: null, After: full },
      { EntityID: customer.id, Meta: { job: "import" }, Before: { points: 5 }, After: { points: 6 } },
      { EntityID: customer.id, Meta: { job: "import" }, Before: { points: 6 }, After: { points: 7 } },
      { EntityID: customer.id, Meta: { job: "import" }, Before: { ...full, points: 7 }, After: null },
    ]);
    // The entity's own events went to the default pool: inserted, updated, deleted.
    expect(await h.rows("SELECT ID FROM Customer WHERE ID = ?", [customer.id])).toEqual([]);
    expect(await orm.customer.getLogs(customer.id)).toHaveLength(4);
  });

  it("logs an entity whose log table sits in its own pool through its own queue", async () => {
    const orm = engine.newContext();
    const entry = await orm.auditEntry.new({ actor: "cron", action: "sweep", at: new Date("2024-05-06T07:08:09Z") });
    await orm.flushAsync();
    await drain();
    const rows = await logRows(h.databases.audit, "_log_AuditEntry", entry.id);
    expect(rows.map((r) => r.After)).toEqual([{ actor: "cron", action: "sweep", target: null, at: "2024-05-06 07:08:09", details: null, checksum: null }]);
    const [stored] = await h.admin.query(`SELECT actor FROM \`${h.databases.audit}\`.AuditEntry WHERE ID = ?`, [entry.id]);
    expect(stored).toEqual([{ actor: "cron" }]);
  });
});

describe("malformed log events", () => {
  it("dead-letters a log event of an entity without @log and one without a valid date; the consumer goes on", async () => {
    const orm = engine.newContext();
    const brand = await orm.brand.new({ name: "Logless" });
    await orm.flushAsync();
    await drain();
    const stream = new QueueKeys("shop", "default").stream(QueueKeys.partitionOf(brand.id));
    const garbage = [JSON.stringify(["l", "Brand", brand.id, "2024-01-01 00:00:00", null, null, { name: "x" }]), JSON.stringify(["l", "Product", brand.id, "yesterday", null, null, null])];
    for (const text of garbage) await h.redis.xadd(stream, "*", "e", text);
    orm.brand.edit((await orm.brand.getById(brand.id))!).country = "CZ";
    await orm.flushAsync();

    expect(await engine.consumeAsyncFlushEvents({ block: false })).toEqual({ applied: 1, deadLettered: 2 });
    expect(await h.rows("SELECT country FROM brands WHERE ID = ?", [brand.id])).toEqual([{ country: "CZ" }]);
    const dead = await engine.deadLetters("default", 10);
    expect(dead.map((d) => [d.event, d.error])).toEqual([
      [garbage[0], "malformed event: a log event of Brand, which has no @log table"],
      [garbage[1], `malformed event: ${garbage[1]}`],
    ]);
    await engine.discardDeadLetters("default");
  });
});

/** Events waiting in every partition of every queue. */
async function totalQueued(): Promise<number> {
  const status = await engine.asyncQueues();
  return status.reduce((n, q) => n + q.pending, 0);
}
