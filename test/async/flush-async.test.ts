import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryEvent } from "../../runtime/index.js";
import { consumeAsyncFlushEvents } from "../../runtime/async/consume.js";
import { asyncHarness, type AsyncHarness } from "./harness.js";

let h: AsyncHarness;

beforeAll(async () => {
  h = await asyncHarness("flush", 5);
  await h.admin.query(`USE \`${h.databases.default}\``);
});
afterAll(async () => h.close());

describe("flushAsync", () => {
  it("is seen by every cached loader before MySQL has the rows, then the consumer applies them", async () => {
    const engine = await h.engine();
    const orm = engine.newContext();
    const cars = await orm.category.new({ name: "Cars", code: "cars" });
    const product = await orm.product.new({ title: "Model T", price: 9.999, stock: 3, category: cars.id, createdAt: new Date("2024-01-02T03:04:05Z"), sku: "T-1" });
    const events: QueryEvent[] = [];
    engine.onQuery((e) => events.push(e));
    await orm.flushAsync();
    expect(events.filter((e) => e.source === "mysql")).toEqual([]);
    expect(await h.rows("SELECT ID FROM Product")).toEqual([]);

    const reader = (await h.engine()).newContext();
    expect((await reader.category.getById(cars.id))?.name).toBe("Cars");
    expect((await reader.category.getByCode("cars"))?.id).toBe(cars.id);
    expect((await reader.product.getByCategory(cars.id)).map((p) => p.id)).toEqual([product.id]);
    expect((await reader.product.getById(product.id))?.price).toBe(10);
    expect((await reader.category.getAll()).map((c) => c.id)).toEqual([cars.id]);

    const result = await consumeAsyncFlushEvents(engine, { block: false });
    // The two rows, and the log row of Product (`@log`).
    expect(result).toEqual({ applied: 3, deadLettered: 0 });
    expect(await h.rows("SELECT ID, title, price, stock, category FROM Product")).toEqual([
      { ID: product.id, title: "Model T", price: "10.00", stock: 3, category: cars.id },
    ]);
    expect(await h.rows("SELECT ID, name, code, status FROM Category")).toEqual([{ ID: cars.id, name: "Cars", code: "cars", status: "active" }]);
    // Applied events are trimmed; a second run applies nothing (exactly once).
    expect(await consumeAsyncFlushEvents(engine, { block: false })).toEqual({ applied: 0, deadLettered: 0 });
  });

  it("applies an insert, updates and a delete of one row in order", async () => {
    const engine = await h.engine();
    const orm = engine.newContext();
    const brand = await orm.brand.new({ name: "Acme" });
    await orm.flushAsync();
    for (const country of ["DE", "FR", "IT"]) {
      const current = await orm.brand.getById(brand.id);
      orm.brand.edit(current!).country = country;
      await orm.flushAsync();
    }
    const other = await orm.brand.new({ name: "Other", founded: 1999 });
    await orm.flushAsync();
    orm.brand.delete((await orm.brand.getById(other.id))!);
    await orm.flushAsync();
    await consumeAsyncFlushEvents(engine, { block: false });
    expect(await h.rows("SELECT ID, name, country FROM brands ORDER BY ID")).toEqual([{ ID: brand.id, name: "Acme", country: "IT" }]);
  });

  it("keeps the offsets of two queues of one name apart (queue default of Redis pools default and sessions)", async () => {
    const engine = await h.engine();
    const orm = engine.newContext();
    // Review keeps its rows, and so its queue, in Redis pool sessions; Brand in pool default. Both
    // queues are named after MySQL pool default and apply to it; the review is queued first.
    const review = await orm.review.new({ product: 1, customer: 1, stars: 5, body: "fine", createdAt: new Date("2024-01-01T00:00:00Z") });
    await orm.flushAsync();
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later stream id for the brand
    const brands = [];
    for (let i = 0; i < 16; i++) brands.push(await orm.brand.new({ name: `Queued ${i}` })); // one in every partition
    await orm.flushAsync();
    expect(await consumeAsyncFlushEvents(engine, { block: false, workers: 1 })).toEqual({ applied: 17, deadLettered: 0 });
    expect(await h.rows("SELECT ID, body FROM Review")).toEqual([{ ID: review.id, body: "fine" }]);
    expect(await h.rows("SELECT COUNT(*) AS n FROM brands WHERE name LIKE 'Queued %'")).toEqual([{ n: 16 }]);
  });

  it("writes nothing when validation fails: no event, no cache entry", async () => {
    const engine = await h.engine();
    const orm = engine.newContext();
    const before = (await h.redis.keys("*")).sort();
    await orm.brand.new({ name: "x".repeat(300) });
    await expect(orm.flushAsync()).rejects.toThrow("Brand.name");
    const after = (await h.redis.keys("*")).filter((k) => !k.includes("{ids}")).sort();
    expect(after).toEqual(before.filter((k) => !k.includes("{ids}")));
  });
});
