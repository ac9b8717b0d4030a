/**
 * Permanent errors: a flushAsync'd insert that collides with a row written into MySQL with plain
 * SQL meanwhile goes to the dead letters with the error, the row's later events are held with it,
 * other rows are applied, the row's cached copies are dropped (reads fall back to MySQL's truth);
 * after the conflict is fixed, retrying the dead letters applies them in order. Malformed events
 * are dead-lettered and the consumer goes on.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import type { Engine } from "beeorm/runtime";
import { brandEntity, customerEntity, type Orm } from "../../generated/index.js";
import {
  buildEngine,
  ConsumerProcess,
  createDatabases,
  expectQueueDrained,
  field,
  PARTITIONS,
  queueTag,
  REDIS_SERVER,
  sleep,
  waitFor,
  type Databases,
  type StreamEntry,
} from "./support.js";

const REDIS_URL = `${REDIS_SERVER}/4`;
const Q = queueTag("shop", "default");
const customerRow = (id: number): string => `shop:{Customer:${customerEntity.schemaHash}}:${id}`;
const brandRow = (id: number): string => `shop:{Brand:${brandEntity.schemaHash}}:${id}`;

let redis: Redis;
let db: Databases;
const engines: Engine<Orm>[] = [];

async function engine(): Promise<Engine<Orm>> {
  const e = await buildEngine({ mysql: db.urls(), redis: REDIS_URL });
  engines.push(e);
  return e;
}

async function deadLetters(): Promise<StreamEntry[]> {
  return (await redis.xrange(`${Q}:dead`, "-", "+")) as StreamEntry[];
}

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});

afterAll(() => redis.disconnect());

beforeEach(async () => {
  db = await createDatabases("dead");
  await redis.flushdb();
});

afterEach(async () => {
  await ConsumerProcess.killAll();
  await Promise.all(engines.splice(0).map((e) => e.close().catch(() => undefined)));
  await redis.flushdb();
  await db.drop();
});

describe("dead letters", () => {
  it("a duplicate key: dead letter with the error, later events of the row held, other rows applied, caches dropped; retry after the fix applies them", { timeout: 60_000 }, async () => {
    const e = await engine();
    let orm = e.newContext();
    const acme = await orm.brand.new({ name: "Acme", country: "PL" });
    const ann = await orm.customer.new({ email: "ann@example.test", name: "Ann", country: "PL", points: 1 });
    await orm.flushAsync();
    // Meanwhile someone inserts a customer with Ann's email straight into MySQL.
    await db.admin.query("INSERT INTO Customer (ID, email, name, country, points) VALUES (999999, 'ann@example.test', 'Plain SQL Ann', 'DE', 7)");

    // Later events: two updates of Ann (the second consumed in a later batch), updates of Acme.
    orm = e.newContext();
    orm.customer.edit((await orm.customer.getById(ann.id))!).points = 2;
    orm.brand.edit((await orm.brand.getById(acme.id))!).country = "DE";
    await orm.flushAsync();
    orm = e.newContext();
    orm.customer.edit((await orm.customer.getById(ann.id))!).points = 3;
    orm.brand.edit((await orm.brand.getById(acme.id))!).founded = 1950;
    await orm.flushAsync();
    // Both are id 1 of their table: one partition, so the batches mix the failing row with a good one.
    expect(ann.id % PARTITIONS).toBe(acme.id % PARTITIONS);
    // Read-your-writes before the consumer: the cache holds Ann's queued state.
    expect((await e.newContext().customer.getByEmail("ann@example.test"))?.points).toBe(3);

    const log: string[] = [];
    const result = await e.consumeAsyncFlushEvents({ block: false, batchSize: 2, onLog: (l) => log.push(l) });
    // Applied: Acme's 3 events and, in queue audit, the log rows of Ann's 3 changes (a log table in
    // another pool is written apart from its entity's row).
    expect(result).toEqual({ applied: 6, deadLettered: 3 });

    // MySQL: the other row applied, the plain-SQL row untouched, Ann's events not applied.
    expect(await db.rows("SELECT ID, name, country, founded FROM brands")).toEqual([{ ID: acme.id, name: "Acme", country: "DE", founded: 1950 }]);
    expect(await db.rows("SELECT ID, email, name, points FROM Customer ORDER BY ID")).toEqual([{ ID: 999999, email: "ann@example.test", name: "Plain SQL Ann", points: 7 }]);

    // Redis: the dead-letter stream, in order, with the error and where each came from.
    const dead = await deadLetters();
    expect(dead).toHaveLength(3);
    const [insert, held1, held2] = dead.map(([, fields]) => ({
      e: JSON.parse(field(fields, "e")!) as unknown[],
      error: field(fields, "error")!,
      queue: field(fields, "queue"),
      partition: field(fields, "partition"),
      source: field(fields, "source")!,
      at: field(fields, "at")!,
    }));
    expect(insert!.e[0]).toBe("i");
    expect(insert!.e[1]).toBe("Customer");
    expect(insert!.error).toMatch(/duplicate/i);
    expect(insert!.error).toContain("ann@example.test");
    expect(insert!.error).toMatch(/\bemail\b/);
    expect(held1!.e.slice(0, 2)).toEqual(["u", "Customer"]);
    expect(held2!.e.slice(0, 2)).toEqual(["u", "Customer"]);
    for (const letter of [insert!, held1!, held2!]) {
      expect(letter.queue).toBe("default");
      expect(letter.partition).toBe(String(ann.id % PARTITIONS));
      expect(letter.source).toMatch(/^\d+-\d+$/);
      expect(Number.isNaN(Date.parse(letter.at))).toBe(false);
    }
    expect(held1!.error).toMatch(/held/);
    expect(held2!.error).toMatch(/held/);
    expect(await redis.smembers(`${Q}:held`)).toEqual([`Customer:${ann.id}`]);
    expect(log.filter((l) => l.includes("dead letter"))).toHaveLength(3);
    // The offsets moved past them: nothing pending.
    expect(await redis.xlen(`${Q}:${ann.id % PARTITIONS}`)).toBe(0);

    // The row's cached copies are gone; reads fall back to MySQL's truth.
    expect(await redis.get(customerRow(ann.id))).toBeNull();
    for (const reader of [e, await engine()]) {
      const ctx = reader.newContext();
      expect(await ctx.customer.getById(ann.id)).toBeUndefined();
      expect((await ctx.customer.getByEmail("ann@example.test"))?.id).toBe(999999);
    }
    expect(JSON.parse((await redis.get(brandRow(acme.id)))!)).toEqual([acme.id, "Acme", "DE", 1950, null, null]);

    // Fix the conflict (delete the other row, through the ORM so its caches go too), retry: Ann's three events are applied in order.
    const fix = e.newContext();
    fix.customer.delete((await fix.customer.getById(999999))!);
    await fix.flush();
    expect(await db.rows("SELECT ID FROM Customer")).toEqual([]);
    expect(await e.retryDeadLetters("default")).toBe(3);
    expect(await deadLetters()).toEqual([]);
    expect(await redis.smembers(`${Q}:held`)).toEqual([]);
    expect(await redis.xlen(`${Q}:${ann.id % PARTITIONS}`)).toBe(3);
    // Ann's three events, and the log row of the fix's delete (queue audit).
    expect(await e.consumeAsyncFlushEvents({ block: false })).toEqual({ applied: 4, deadLettered: 0 });
    expect(await db.rows("SELECT ID, email, name, points FROM Customer ORDER BY ID")).toEqual([{ ID: ann.id, email: "ann@example.test", name: "Ann", points: 3 }]);
    await expectQueueDrained(redis, db, "shop", "default");

    // Reads see the applied row again: no cache may still say "missing".
    const cached = await redis.get(customerRow(ann.id));
    expect(cached === null || cached.startsWith(`[${ann.id},`), `Redis row of Customer ${ann.id} after the retry was applied: ${cached} ("-" = cached as missing)`).toBe(true);
    if (cached !== null) expect((JSON.parse(cached) as unknown[])[5]).toBe(3);
    const fresh = (await engine()).newContext();
    expect((await fresh.customer.getById(ann.id))?.points).toBe(3);
    expect((await fresh.customer.getByEmail("ann@example.test"))?.id).toBe(ann.id);
  });

  it("a consumer crash after dead-lettering an event, before its offset moved past it, does not dead-letter it twice", { timeout: 60_000 }, async () => {
    const e = await engine();
    let orm = e.newContext();
    // A Category (no @log): the child's first batch is then this partition's, not a log row's in queue audit.
    const cars = await orm.category.new({ name: "Cars", code: "cars" });
    await orm.flushAsync();
    orm = e.newContext();
    const acme = await orm.brand.new({ name: "Acme" });
    await orm.flushAsync();
    expect(cars.id % PARTITIONS).toBe(acme.id % PARTITIONS); // one partition: [Cars' insert, Acme's insert]
    await db.admin.query("INSERT INTO Category (ID, name, code) VALUES (999999, 'Plain SQL Cars', 'cars')");

    // The child dead-letters Cars' insert, applies Acme's and dies before that COMMIT (the offset still before Cars').
    const child = new ConsumerProcess({ mysql: db.urls(), redis: REDIS_URL, consume: { workers: 1, leaseMs: 300 }, crash: { at: "before-commit", batch: 1 } });
    expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(await deadLetters()).toHaveLength(1);

    await sleep(400); // its leases lapse
    const result = await e.consumeAsyncFlushEvents({ block: false });
    expect(await db.rows("SELECT ID, name FROM brands")).toEqual([{ ID: acme.id, name: "Acme" }]);
    const dead = await deadLetters();
    expect(dead.map(([, f]) => JSON.parse(field(f, "e")!)[1]), "dead letters of the one failed event").toEqual(["Category"]);
    expect(result).toEqual({ applied: 1, deadLettered: 0 });
  });

  it("malformed events are dead-lettered and the (blocking) consumer goes on", { timeout: 60_000 }, async () => {
    const e = await engine();
    let orm = e.newContext();
    const brand = await orm.brand.new({ name: "Bolt" });
    await orm.flushAsync();
    await e.consumeAsyncFlushEvents({ block: false });
    const partition = brand.id % PARTITIONS;

    const log: string[] = [];
    const controller = new AbortController();
    const consuming = e.consumeAsyncFlushEvents({ block: true, signal: controller.signal, onLog: (l) => log.push(l) });
    const garbage = [
      ["e", "{not json"],
      ["e", JSON.stringify(["x", "Brand", 1])],
      ["e", JSON.stringify(["i", "NoSuchEntity", [5, "x"]])],
      ["e", JSON.stringify(["u", "Brand", [99], [brand.id, "y"]])],
      ["other", "field"],
    ];
    for (const fields of garbage) await redis.xadd(`${Q}:${partition}`, "*", ...fields);
    // A valid event of the same partition, queued after the garbage.
    orm = e.newContext();
    orm.brand.edit((await orm.brand.getById(brand.id))!).country = "CZ";
    await orm.flushAsync();

    await waitFor("the valid event after the garbage to be applied", async () => (await db.rows("SELECT country FROM brands"))[0]?.country === "CZ", 10_000);
    controller.abort();
    expect(await consuming).toEqual({ applied: 1, deadLettered: garbage.length });

    const dead = await deadLetters();
    expect(dead.map(([, f]) => field(f, "e") ?? "")).toEqual(garbage.map(([name, value]) => (name === "e" ? value : "")));
    for (const [, fields] of dead) {
      expect(field(fields, "error")).toMatch(/malformed|not an event|unknown entity|JSON/i);
      expect(field(fields, "partition")).toBe(String(partition));
    }
    expect(await redis.smembers(`${Q}:held`)).toEqual([]); // no row to hold
    expect(log.filter((l) => l.includes("dead letter"))).toHaveLength(garbage.length);
    expect(await db.rows("SELECT ID, name, country FROM brands")).toEqual([{ ID: brand.id, name: "Bolt", country: "CZ" }]);
    expect(await redis.xlen(`${Q}:${partition}`)).toBe(0);
  });
});
