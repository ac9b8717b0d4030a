/**
 * Cross-process local-cache invalidation (SPEC §6.3): two engines on the same MySQL databases and
 * Redis DB stand for two processes. A flush in one evicts the other's stale local entries within
 * milliseconds; the other then reads the new row from Redis (no MySQL query) or, without a Redis
 * cache, from MySQL.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, openHarness, Recorder, type Harness, type MatrixEngine } from "./harness.js";

let h: Harness;
let a: MatrixEngine; // the reader ("process A"): h.engine, recorded by h.rec
let b: MatrixEngine; // the writer ("process B")
let recB: Recorder;
beforeAll(async () => {
  h = await openHarness("invalidation", 15);
  a = h.engine;
  b = await h.newEngine();
  recB = new Recorder();
  recB.attach(b);
});
afterAll(async () => {
  recB?.close();
  await h?.close();
});

/**
 * Loads an entity into A's local cache. The invalidation of B's own write may still be on its
 * way, and an eviction arriving during a load cancels that load's local fill, so poll until A
 * serves it locally.
 */
async function warmA(key: "both" | "localOnly", id: number): Promise<void> {
  const local = await eventually(async () => {
    const { counts } = await h.rec.step(() => a.newContext()[key].getById(id));
    return counts.mysql === 0 && counts.redis === 0 && counts.local === 1;
  });
  expect(local, "A serves the entity from its local cache").toBe(true);
}

let seq = 0;
const input = (fields: { parent?: number | null } = {}) => {
  const code = `i${++seq}`;
  return { code, email: `${code}@x`, name: "before", size: 1, ...fields };
};

describe("@localCache + @redisCache (Both)", () => {
  it("B's update reaches A's getById within 1 s, without any MySQL query in A", async () => {
    const orm = b.newContext();
    const created = await orm.both.new(input());
    await orm.flush();
    await warmA("both", created.id);
    const loaded = await a.newContext().both.getById(created.id);
    expect(loaded?.name).toBe("before");

    const edit = b.newContext();
    edit.both.edit(loaded!).name = "after";
    await edit.flush();
    h.rec.reset();
    const seen = await eventually(async () => (await a.newContext().both.getById(created.id))?.name === "after");
    expect(seen).toBe(true);
    expect(h.rec.counts().mysql).toBe(0);
    const after = await h.rec.step(() => a.newContext().both.getById(created.id));
    expect(after.counts).toEqual({ mysql: 0, redis: 0, local: 1 }); // local again
    expect(after.value?.name).toBe("after");
  });

  it("B's delete makes A return undefined, without any MySQL query in A", async () => {
    const orm = b.newContext();
    const created = await orm.both.new(input());
    await orm.flush();
    await warmA("both", created.id);
    expect(await a.newContext().both.getById(created.id)).toEqual(created);
    const del = b.newContext();
    del.both.delete(created);
    await del.flush();
    h.rec.reset();
    expect(await eventually(async () => (await a.newContext().both.getById(created.id)) === undefined)).toBe(true);
    expect(h.rec.counts().mysql).toBe(0);
  });

  it("an id A cached as missing appears in A after B inserts it", async () => {
    const orm = b.newContext();
    const draft = await orm.both.new(input()); // id known before the insert
    expect(await a.newContext().both.getById(draft.id)).toBeUndefined(); // cached as missing in A and Redis
    expect((await h.rec.step(() => a.newContext().both.getById(draft.id))).counts.mysql).toBe(0);
    await orm.flush();
    h.rec.reset();
    expect(await eventually(async () => (await a.newContext().both.getById(draft.id))?.code === draft.code)).toBe(true);
    expect(h.rec.counts().mysql).toBe(0);
  });

  it("cached reference lookups in A follow a move made by B", async () => {
    const setup = b.newContext();
    const p1 = await setup.parent.new({ name: "p1" });
    const p2 = await setup.parent.new({ name: "p2" });
    const child = await setup.both.new(input({ parent: p1.id }));
    await setup.flush();
    expect(await a.newContext().both.getByParent(p1.id)).toEqual([child]);
    expect(await a.newContext().both.getByParent(p2.id)).toEqual([]);

    const move = b.newContext();
    move.both.edit(child).parent = p2.id;
    await move.flush();
    expect(await a.newContext().both.getByParent(p1.id)).toEqual([]); // the id sets live in Redis
    expect(
      await eventually(async () => {
        const inP2 = await a.newContext().both.getByParent(p2.id);
        return inP2.length === 1 && inP2[0]!.parent === p2.id;
      }),
    ).toBe(true);
  });

  it("B's own local cache holds its write (no query in B)", async () => {
    const orm = b.newContext();
    const created = await orm.both.new(input());
    await orm.flush();
    const own = await recB.step(() => b.newContext().both.getById(created.id));
    expect(own.counts).toEqual({ mysql: 0, redis: 0, local: 1 });
    expect(own.value).toEqual(created);
  });
});

describe("@localCache only (LocalOnly)", () => {
  it("B's update and delete reach A (A reloads from MySQL: there is no Redis copy)", async () => {
    const orm = b.newContext();
    const created = await orm.localOnly.new(input());
    await orm.flush();
    await warmA("localOnly", created.id);
    const loaded = await a.newContext().localOnly.getById(created.id);
    expect(loaded).toEqual(created);

    const edit = b.newContext();
    edit.localOnly.edit(loaded!).name = "after";
    await edit.flush();
    expect(await eventually(async () => (await a.newContext().localOnly.getById(created.id))?.name === "after")).toBe(true);
    await warmA("localOnly", created.id);

    const del = b.newContext();
    del.localOnly.delete(created);
    await del.flush();
    expect(await eventually(async () => (await a.newContext().localOnly.getById(created.id)) === undefined)).toBe(true);
  });
});

describe("the invalidation channel", () => {
  it("names the Redis DB (pub/sub ignores DB numbers): B publishes the changed ids on <namespace>:beeorm:invalidate:<db>", async () => {
    const db = /\/(\d+)$/.exec(h.redisUrl)![1]!;
    const subscriber = new Redis(h.redisUrl);
    const messages: { channel: string; text: string }[] = [];
    subscriber.on("pmessage", (_pattern: string, channel: string, text: string) => messages.push({ channel, text }));
    try {
      await subscriber.psubscribe(`${h.namespace}:beeorm:invalidate*`);
      const orm = b.newContext();
      const created = await orm.both.new(input());
      await orm.flush();
      const edit = b.newContext();
      edit.both.edit(created).name = "published";
      await edit.flush();
      expect(await eventually(async () => messages.length >= 2)).toBe(true);
      expect(messages.map((m) => m.channel)).toEqual([`${h.namespace}:beeorm:invalidate:${db}`, `${h.namespace}:beeorm:invalidate:${db}`]);
      expect(messages.map((m) => (JSON.parse(m.text) as { changes: unknown }).changes)).toEqual([{ Both: [created.id] }, { Both: [created.id] }]);
    } finally {
      await subscriber.quit().catch(() => subscriber.disconnect());
    }
  });
});

describe("lost subscription", () => {
  it("a change published while A's subscriber was disconnected does not stay stale in A", async () => {
    const orm = b.newContext();
    const created = await orm.both.new(input());
    await orm.flush();
    await warmA("both", created.id);
    expect((await a.newContext().both.getById(created.id))?.name).toBe("before");

    // kill every pub/sub connection of this test file's Redis DB (A's and B's subscribers)
    const [, db] = /\/(\d+)$/.exec(h.redisUrl) ?? [];
    const clients = ((await h.redis.client("LIST")) as string)
      .split("\n")
      .filter((line) => line.includes(` db=${db} `) && /\bsub=[1-9]/.test(line));
    expect(clients.length).toBeGreaterThanOrEqual(2);
    for (const line of clients) await h.redis.client("KILL", "ID", /\bid=(\d+)/.exec(line)![1]!);

    const edit = b.newContext();
    edit.both.edit(created).name = "changed while disconnected";
    await edit.flush();
    expect(await eventually(async () => (await a.newContext().both.getById(created.id))?.name === "changed while disconnected", 3000)).toBe(true);

    // and invalidation works again after the reconnect
    const again = b.newContext();
    again.both.edit((await b.newContext().both.getById(created.id))!).name = "after reconnect";
    await again.flush();
    expect(await eventually(async () => (await a.newContext().both.getById(created.id))?.name === "after reconnect")).toBe(true);
  });
});
