/**
 * Inspection and repair of the async-flush queues (engine.asyncQueues / peekAsyncEvents /
 * deadLetters / retryDeadLetters / discardDeadLetters) and the consumer CLI (runConsumerCli and
 * the generated consumer.ts), against the real MariaDB and Redis (Redis DB 6).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Orm } from "../../generated/index.js";
// The runtime as generated code loads it (package exports), so classes match the engine's.
import { runConsumerCli, UnknownQueueError, type ConsumerCliIo, type Engine, type QueueStatus } from "beeorm/runtime";
import { QueueKeys } from "../../runtime/async/queue-keys.js";
import { asyncHarness, type AsyncHarness } from "./harness.js";

const REDIS_DB = 6;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

type StreamEntry = [id: string, fields: string[]];

let h: AsyncHarness;
let engine: Engine<Orm>;
/** Made with a synchronous flush: they are in MySQL before any event is queued. */
let base: { customer: number; product: number };

beforeAll(async () => {
  h = await asyncHarness("inspect", REDIS_DB);
  await h.admin.query(`USE \`${h.databases.default}\``);
  engine = await h.engine();
  const orm = engine.newContext();
  const category = await orm.category.new({ name: "Base", code: "base" });
  const customer = await orm.customer.new({ email: "ann@example.com", name: "Ann", country: "PL" });
  const product = await orm.product.new({ title: "Widget", price: 5, stock: 10, category: category.id, createdAt: new Date("2024-01-01T00:00:00Z"), sku: "W-1" });
  await orm.flush();
  base = { customer: customer.id, product: product.id };
});

afterAll(async () => h.close());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const keys = (queue: string, namespace = "shop"): QueueKeys => new QueueKeys(namespace, queue);

function status(queues: readonly QueueStatus[], queue: string, redisPool = "default"): QueueStatus {
  const found = queues.find((q) => q.queue === queue && q.redisPool === redisPool);
  if (found === undefined) throw new Error(`no status of ${queue}@${redisPool}`);
  return found;
}

/** Clears every queue (and every cache) of the test's Redis DB. */
async function emptyQueues(): Promise<void> {
  await h.redis.flushdb();
  engine.clearLocalCaches();
}

/** Queues 3 changes on `default`, 1 on `default@sessions`, 3 on `orders` and 2 on `stock`. */
async function queueSomeChanges(): Promise<{ orders: number[]; brands: number[]; moves: number[]; cart: number }> {
  const orm = engine.newContext();
  await orm.category.new({ name: "Cars", code: `cars-${Date.now()}` });
  const brands = [await orm.brand.new({ name: `Acme ${Date.now()}` }), await orm.brand.new({ name: `Bolt ${Date.now()}` })];
  const orders = [];
  for (const total of [10, 20, 30]) orders.push(await orm.order.new({ customer: base.customer, total, placedAt: new Date("2024-02-03T04:05:06Z") }));
  const moves = [];
  for (const delta of [5, -2]) moves.push(await orm.stockMove.new({ product: base.product, delta, sequence: BigInt(Date.now() * 10 + moves.length), movedAt: new Date() }));
  const cart = await orm.cart.new({ token: `t-${Date.now()}`, updatedAt: new Date() });
  await orm.flushAsync();
  return { orders: orders.map((o) => o.id), brands: brands.map((b) => b.id), moves: moves.map((m) => m.id), cart: cart.id };
}

describe("asyncQueues and peekAsyncEvents", () => {
  beforeAll(emptyQueues);

  it("reports every queue, with nothing pending before any flushAsync", async () => {
    const queues = await engine.asyncQueues();
    expect(queues.map((q) => `${q.queue}@${q.redisPool}→${q.mysqlPool}`)).toEqual([
      "audit@default→audit",
      "default@default→default",
      "default@sessions→default",
      "orders@default→default",
      "stock@default→audit",
    ]);
    for (const q of queues) {
      expect(q).toMatchObject({ pending: 0, lagMs: 0, deadLetters: 0, processed: 0 });
      expect(q.partitions.map((p) => p.partition)).toEqual([...Array(16).keys()]);
    }
  });

  it("counts the pending events of each queue and partition, and their lag", async () => {
    const { orders, moves } = await queueSomeChanges();
    await sleep(60);
    const queues = await engine.asyncQueues();
    expect(Object.fromEntries(queues.map((q) => [`${q.queue}@${q.redisPool}`, q.pending]))).toEqual({
      "audit@default": 0,
      "default@default": 3,
      "default@sessions": 1,
      "orders@default": 3,
      "stock@default": 2,
    });
    const ordersStatus = status(queues, "orders");
    const expected = new Array<number>(16).fill(0);
    for (const id of orders) expected[id % 16]!++;
    expect(ordersStatus.partitions.map((p) => p.pending)).toEqual(expected);
    expect(ordersStatus.lagMs).toBeGreaterThanOrEqual(50);
    expect(ordersStatus.lagMs).toBeLessThan(10_000);
    for (const p of ordersStatus.partitions) {
      if (p.pending === 0) expect(p.lagMs).toBe(0);
      else expect(p.lagMs).toBeGreaterThanOrEqual(50);
    }
    expect(status(queues, "stock").partitions.filter((p) => p.pending > 0).map((p) => p.partition).sort()).toEqual([...new Set(moves.map((id) => id % 16))].sort());
    expect(status(queues, "audit")).toMatchObject({ pending: 0, lagMs: 0 });
  });

  it("peeks at the oldest pending events in queue order, decoded", async () => {
    const events = await engine.peekAsyncEvents("orders");
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.queue === "orders" && e.redisPool === "default" && e.entity === "Order" && e.op === "insert")).toBe(true);
    const ids = events.map((e) => e.id);
    expect([...ids].sort((a, b) => Number(a.split("-")[0]) - Number(b.split("-")[0]) || Number(a.split("-")[1]) - Number(b.split("-")[1]))).toEqual(ids);
    for (const e of events) {
      expect(e.partition).toBe(e.rowId! % 16);
      const raw = JSON.parse(e.raw) as unknown[];
      expect(raw[0]).toBe("i");
      expect(raw[1]).toBe("Order");
      expect((raw[2] as unknown[])[0]).toBe(e.rowId);
    }

    // An update joins the end of the queue; the limit keeps the oldest.
    const orm = engine.newContext();
    const first = events[0]!.rowId!;
    orm.order.edit((await orm.order.getById(first))!).note = "gift";
    await orm.flushAsync();
    const after = await engine.peekAsyncEvents("orders", 10);
    expect(after.map((e) => e.op)).toEqual(["insert", "insert", "insert", "update"]);
    expect(after[3]).toMatchObject({ entity: "Order", rowId: first });
    const update = JSON.parse(after[3]!.raw) as [string, string, number[], unknown[]];
    expect(update.slice(0, 2)).toEqual(["u", "Order"]);
    expect(update[3][0]).toBe(first);
    expect(update[2].map((c) => update[3][c])).toEqual(["gift"]);
    expect((await engine.peekAsyncEvents("orders", 2)).map((e) => e.id)).toEqual(after.slice(0, 2).map((e) => e.id));
  });

  it("names a queue living in two Redis pools by name (both) or as name@pool (one)", async () => {
    expect((await engine.peekAsyncEvents("default")).map((e) => `${e.entity}@${e.redisPool}`).sort()).toEqual([
      "Brand@default",
      "Brand@default",
      "Cart@sessions",
      "Category@default",
    ]);
    expect((await engine.peekAsyncEvents("default@sessions")).map((e) => e.entity)).toEqual(["Cart"]);
  });

  it("shows a malformed event with its raw text only", async () => {
    await h.redis.xadd(keys("audit").stream(7), "*", "e", "not json");
    const [event] = await engine.peekAsyncEvents("audit");
    expect(event).toMatchObject({ queue: "audit", partition: 7, raw: "not json", entity: undefined, op: undefined, rowId: undefined });
    await h.redis.del(keys("audit").stream(7));
  });

  it("rejects an unknown queue, listing the known ones", async () => {
    const failure = await engine.peekAsyncEvents("nope").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnknownQueueError);
    expect((failure as Error).message).toBe('unknown async queue "nope" (queues: audit, default@default, default@sessions, orders, stock)');
    await expect(engine.deadLetters("default@nowhere")).rejects.toThrow(/unknown async queue "default@nowhere"/);
    await expect(engine.retryDeadLetters("nope")).rejects.toThrow(UnknownQueueError);
    await expect(engine.peekAsyncEvents("orders", 0)).rejects.toThrow(RangeError);
  });
});

describe("dead letters", () => {
  const q = keys("orders");
  const at = "2024-05-06T07:08:09.000Z";
  let letters: { id: string; event: string; partition: number; error: string }[] = [];

  /** Writes dead letters as the consumer does: the dead stream entry, and the row in `held`. */
  async function deadLetter(event: string, partition: number, error: string, row?: string): Promise<string> {
    const id = (await h.redis.xadd(q.deadLetters(), "*", "e", event, "error", error, "queue", "orders", "partition", String(partition), "source", `1700000000000-${partition}`, "at", at))!;
    if (row !== undefined) await h.redis.sadd(q.held(), row);
    letters.push({ id, event, partition, error });
    return id;
  }

  const stream = (partition: number): Promise<StreamEntry[]> => h.redis.xrange(q.stream(partition), "-", "+") as Promise<StreamEntry[]>;

  beforeEach(async () => {
    await emptyQueues();
    letters = [];
    await deadLetter('["i","Order",[101,1,"paid","10.00","2024-01-01 00:00:00",null]]', 5, "Duplicate entry '101' for key 'PRIMARY'", "Order:101");
    await deadLetter('["u","Order",[3],[101,1,"shipped","10.00","2024-01-01 00:00:00",null]]', 5, "held: an earlier event of this row is a dead letter", "Order:101");
    await deadLetter('["d","Order",202]', 10, "Cannot delete or update a parent row", "Order:202");
    await deadLetter("{oops", 3, "malformed event: {oops");
  });

  it("lists them oldest first, with error, partition, source, time and row", async () => {
    const listed = await engine.deadLetters("orders");
    expect(listed.map((d) => d.id)).toEqual(letters.map((l) => l.id));
    expect(listed[0]).toEqual({
      id: letters[0]!.id,
      queue: "orders",
      redisPool: "default",
      partition: 5,
      source: "1700000000000-5",
      event: '["i","Order",[101,1,"paid","10.00","2024-01-01 00:00:00",null]]',
      error: "Duplicate entry '101' for key 'PRIMARY'",
      at,
      row: "Order:101",
    });
    expect(listed.map((d) => d.row)).toEqual(["Order:101", "Order:101", "Order:202", undefined]);
    expect((await engine.deadLetters("orders", 2)).map((d) => d.id)).toEqual(letters.slice(0, 2).map((l) => l.id));
    expect(status(await engine.asyncQueues(), "orders").deadLetters).toBe(4);
  });

  it("retries one: back at the end of its partition, gone from the dead letters, the row still held while another of its dead letters remains", async () => {
    await h.redis.xadd(q.stream(5), "*", "e", '["d","Order",117]');
    expect(await engine.retryDeadLetters("orders", letters[0]!.id)).toBe(1);
    const entries = await stream(5);
    expect(entries.map(([, fields]) => fields)).toEqual([
      ["e", '["d","Order",117]'],
      ["e", letters[0]!.event, "retried", letters[0]!.id],
    ]);
    expect((await engine.deadLetters("orders")).map((d) => d.id)).toEqual([letters[1]!.id, letters[2]!.id, letters[3]!.id]);
    expect((await h.redis.smembers(q.held())).sort()).toEqual(["Order:101", "Order:202"]);
    // An id that is not (or no longer) a dead letter: nothing happens.
    expect(await engine.retryDeadLetters("orders", letters[0]!.id)).toBe(0);
    expect(await engine.discardDeadLetters("orders", "1-1")).toBe(0);
  });

  it("refuses to retry an event before an older dead letter of its row: a row's events apply in order", async () => {
    await expect(engine.retryDeadLetters("orders", letters[1]!.id)).rejects.toThrow(
      `retry dead letter ${letters[0]!.id} of Order:101 first (or all of them with --all): events of a row apply in order`,
    );
    expect((await engine.deadLetters("orders")).map((d) => d.id)).toEqual(letters.map((l) => l.id));
    expect(await stream(5)).toEqual([]);
  });

  it("keeps a row held when events of it still wait in its partition, so they cannot overtake the retried ones", async () => {
    await h.redis.xadd(q.stream(5), "*", "e", '["u","Order",[3],[101,1,"delivered","10.00","2024-01-01 00:00:00",null]]');
    expect(await engine.retryDeadLetters("orders", letters[0]!.id)).toBe(1);
    expect(await engine.retryDeadLetters("orders", letters[1]!.id)).toBe(1);
    expect((await h.redis.smembers(q.held())).sort()).toEqual(["Order:101", "Order:202"]);
  });

  it("retries all, in their order, into their partitions, and releases every row", async () => {
    expect(await engine.retryDeadLetters("orders")).toBe(4);
    expect(await engine.deadLetters("orders")).toEqual([]);
    expect(await h.redis.smembers(q.held())).toEqual([]);
    expect((await stream(5)).map(([, f]) => f[1])).toEqual([letters[0]!.event, letters[1]!.event]);
    expect((await stream(10)).map(([, f]) => f[1])).toEqual(['["d","Order",202]']);
    expect((await stream(3)).map(([, f]) => f[1])).toEqual(["{oops"]);
    expect((await engine.peekAsyncEvents("orders")).map((e) => e.raw).sort()).toEqual(letters.map((l) => l.event).sort());
    expect(await engine.retryDeadLetters("orders")).toBe(0);
  });

  it("discards one: the row is released once its last dead letter goes", async () => {
    expect(await engine.discardDeadLetters("orders", letters[2]!.id)).toBe(1);
    expect((await h.redis.smembers(q.held())).sort()).toEqual(["Order:101"]);
    expect(await engine.discardDeadLetters("orders", letters[1]!.id)).toBe(1);
    expect((await h.redis.smembers(q.held())).sort()).toEqual(["Order:101"]); // letters[0] still holds it
    expect(await engine.discardDeadLetters("orders", letters[0]!.id)).toBe(1);
    expect(await h.redis.smembers(q.held())).toEqual([]);
    expect(await engine.discardDeadLetters("orders", letters[3]!.id)).toBe(1); // malformed: holds no row
    expect(await engine.deadLetters("orders")).toEqual([]);
    for (let p = 0; p < 16; p++) expect(await h.redis.xlen(q.stream(p))).toBe(0);
  });

  it("discards all", async () => {
    await h.redis.sadd(q.held(), "Order:999"); // no dead letter names it: left alone
    expect(await engine.discardDeadLetters("orders")).toBe(4);
    expect(await engine.deadLetters("orders")).toEqual([]);
    expect(await h.redis.smembers(q.held())).toEqual(["Order:999"]);
    expect(status(await engine.asyncQueues(), "orders")).toMatchObject({ deadLetters: 0, pending: 0 });
  });
});

describe("the consumer CLI", () => {
  interface Run {
    readonly code: number;
    readonly out: string;
    readonly err: string;
  }

  async function cli(argv: string[], extra: Partial<ConsumerCliIo> = {}): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runConsumerCli(() => h.engine(), argv, { out: (l) => out.push(l), err: (l) => err.push(l), ...extra });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  beforeEach(emptyQueues);

  it("status prints the queue table and exits 0", async () => {
    await queueSomeChanges();
    const run = await cli(["status"]);
    expect(run).toMatchObject({ code: 0, err: "" });
    const lines = run.out.split("\n");
    expect(lines[0]).toMatch(/^QUEUE\s+REDIS\s+MYSQL\s+PENDING\s+LAG\s+DEAD\s+BUSIEST PARTITIONS$/);
    expect(lines.find((l) => l.startsWith("orders "))).toMatch(/^orders\s+default\s+default\s+3\s+\S+( ms| s)?\s+0\s+#\d+: \d/);
    expect(lines.find((l) => l.startsWith("audit "))).toMatch(/^audit\s+default\s+audit\s+0\s+0\s+0\s+-$/);
    expect(lines).toHaveLength(6);
  });

  it("peek, dead, retry and discard", async () => {
    const { orders } = await queueSomeChanges();
    const peek = await cli(["peek", "orders", "--limit", "2"]);
    expect(peek.code).toBe(0);
    expect(peek.out.split("\n")).toHaveLength(3);
    expect(peek.out).toMatch(/^ID\s+QUEUE\s+PART\s+AGE\s+OP\s+ROW\s+EVENT/);
    expect(peek.out).toContain(`insert  Order ${orders[0]}`);
    expect((await cli(["peek"])).out.split("\n")).toHaveLength(10); // every queue: 9 events

    expect((await cli(["dead"])).out).toBe("No dead letters.");
    const q = keys("stock");
    const deadId = (await h.redis.xadd(q.deadLetters(), "*", "e", '["d","StockMove",77]', "error", "boom", "queue", "stock", "partition", "13", "source", "1-1", "at", "2024-01-01T00:00:00.000Z"))!;
    await h.redis.sadd(q.held(), "StockMove:77");
    const dead = await cli(["dead", "stock"]);
    expect(dead.code).toBe(0);
    expect(dead.out).toContain(`${deadId}  queue stock  partition 13  StockMove:77`);
    expect(dead.out).toContain("  error:  boom");
    expect(dead.out).toContain('  event:  ["d","StockMove",77]');

    expect(await cli(["retry", "stock", "1-1"])).toMatchObject({ code: 1, err: expect.stringContaining("no dead letter 1-1 in queue stock") });
    expect(await cli(["retry", "stock", deadId])).toMatchObject({ code: 0, out: "Retried 1 dead letter of queue stock." });
    expect(await h.redis.xlen(q.stream(13))).toBe(1);
    expect(await h.redis.smembers(q.held())).toEqual([]);
    await h.redis.xadd(q.deadLetters(), "*", "e", "x", "error", "y", "queue", "stock", "partition", "1", "source", "1-2", "at", "z");
    expect(await cli(["discard", "stock", "--all"])).toMatchObject({ code: 0, out: "Discarded 1 dead letter of queue stock." });
  });

  it("usage errors exit 2 with a message and the usage; --help exits 0", async () => {
    for (const argv of [["bogus"], ["retry", "orders"], ["retry", "orders", "1-1", "--all"], ["discard"], ["peek", "--limit", "0"], ["--workers", "x"], ["--frobnicate"], ["status", "extra"], ["dead", "--all"]]) {
      const run = await cli(argv);
      expect(run.code, argv.join(" ")).toBe(2);
      expect(run.err, argv.join(" ")).toMatch(/^error: .+\n\nUsage:\n/);
      expect(run.out).toBe("");
    }
    const unknown = await cli(["peek", "nope"]);
    expect(unknown).toMatchObject({ code: 2, err: 'error: unknown async queue "nope" (queues: audit, default@default, default@sessions, orders, stock)' });
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage:\n {2}node consumer\.js \[--drain\]/);
  });

  it("--drain applies everything queued, then exits 0", async () => {
    const { orders, moves, brands, cart } = await queueSomeChanges();
    const run = await cli(["--drain", "--workers", "3", "--batch", "2"]);
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/draining 5 queues \(audit, default@default, default@sessions, orders, stock\); workers 3, batch 2/);
    expect(run.out).toMatch(/drained: 9 events applied, 0 dead-lettered$/);
    expect((await h.rows("SELECT ID FROM orders ORDER BY ID")).map((r) => Number(r.ID))).toEqual(orders);
    expect((await h.rows(`SELECT ID FROM brands WHERE ID IN (${brands.join(",")}) ORDER BY ID`)).map((r) => Number(r.ID))).toEqual(brands);
    expect((await h.rows("SELECT ID FROM Cart")).map((r) => Number(r.ID))).toEqual([cart]);
    expect((await h.rows(`SELECT ID FROM \`${h.databases.audit}\`.StockMove ORDER BY ID`)).map((r) => Number(r.ID))).toEqual(moves);
    for (const q of await engine.asyncQueues()) expect(q.pending, `${q.queue}@${q.redisPool}`).toBe(0);
  });

  it("runs blocking with progress lines until stopped, then exits 0", async () => {
    const stop = new AbortController();
    const out: string[] = [];
    const running = runConsumerCli(() => h.engine(), ["--workers", "2"], { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`), progressMs: 100, signal: stop.signal });
    const orm = engine.newContext();
    const brand = await orm.brand.new({ name: `Live ${Date.now()}` });
    await orm.flushAsync();
    const deadline = Date.now() + 10_000;
    while ((await h.rows("SELECT ID FROM brands WHERE ID = ?", [brand.id])).length === 0 && Date.now() < deadline) await sleep(20);
    while (!out.some((l) => / \d+ events\/s · pending 0 · /.test(l)) && Date.now() < deadline) await sleep(20);
    stop.abort();
    expect(await running).toBe(0);
    expect(out[0]).toMatch(/consuming 5 queues .*; Ctrl-C to stop$/);
    expect(out.some((l) => /^\d\d:\d\d:\d\d \d+ events\/s · pending 0 · lag 0 · dead letters 0$/.test(l))).toBe(true);
    expect(out.at(-1)).toMatch(/stopped: 1 events applied, 0 dead-lettered$/);
    expect(out.filter((l) => l.startsWith("ERR"))).toEqual([]);
  });
});

describe("the generated consumer.ts", () => {
  beforeEach(emptyQueues);

  it("starts from the environment's pool URLs, applies events, and exits 0 on SIGTERM", async () => {
    const server = process.env.BEEORM_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
    const child = spawn(process.execPath, ["--import", "tsx", "generated/consumer.ts", "--workers", "2"], {
      cwd: ROOT,
      env: {
        ...process.env,
        BEEORM_MYSQL_URL: `${server}/${h.databases.default}`,
        BEEORM_AUDIT_MYSQL_URL: `${server}/${h.databases.audit}`,
        BEEORM_REDIS_URL: h.redisUrl,
        BEEORM_SESSIONS_REDIS_URL: h.redisUrl,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    try {
      const deadline = Date.now() + 20_000;
      while (!stdout.includes("Ctrl-C to stop") && Date.now() < deadline && child.exitCode === null) await sleep(20);
      expect(stdout, stderr).toContain("consuming 5 queues");
      const orm = engine.newContext();
      const order = await orm.order.new({ customer: base.customer, total: 42, placedAt: new Date("2024-03-04T05:06:07Z") });
      await orm.flushAsync();
      while ((await h.rows("SELECT ID FROM orders WHERE ID = ?", [order.id])).length === 0 && Date.now() < deadline) await sleep(20);
      expect(await h.rows("SELECT ID, total FROM orders WHERE ID = ?", [order.id])).toEqual([{ ID: order.id, total: "42.00" }]);
      child.kill("SIGTERM");
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(stdout).toMatch(/SIGTERM: finishing the current batch, then exiting\n.*stopped: 1 events applied, 0 dead-lettered\n$/);
      expect(stderr).toBe("");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
