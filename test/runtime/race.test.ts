/**
 * Races between reads that fill the caches and writes (SPEC §6.3: "a read-fill racing a write
 * can never leave stale data behind"), and between two writers.
 *
 * The dangerous interleaving of a read-fill is: A reads the old row from MySQL → B commits a new
 * one and writes the caches → A stores what it read. It is driven deterministically here: A's
 * query listener fires after its SELECT returned and before the fill, and issues a BLPOP on A's
 * own Redis connection, so A's fill queues behind it until the test pushes to the gate key. B (a
 * second engine with its own connections) writes in between. Without the lease protocol the old
 * row would then be stored and stay.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryEvent } from "beeorm/runtime";
import { redisDriver } from "beeorm/runtime/drivers";
import { encodeIndexKey } from "../../runtime/index-keys.js";
import type { Both, Orm } from "../fixtures/matrix/generated/index.js";
import { eventually, openHarness, Recorder, type Harness, type MatrixEngine } from "./harness.js";

let h: Harness;
let a: MatrixEngine; // the reader
let b: MatrixEngine; // the writer; creates every entity of this file (one id allocator)
beforeAll(async () => {
  h = await openHarness("race", 7);
  a = h.engine;
  b = await h.newEngine();
});
afterAll(async () => {
  await h?.close();
});

const NAME = 3; // position of `name` in the cached row of the variants (the JSON of toRow: ID, code, email, name, …)
let seq = 0;

type Key = "both" | "redisOnly";
type Repo = Orm["both"];
const repo = (engine: MatrixEngine, key: Key): Repo => engine.newContext()[key] as unknown as Repo;

async function create(key: Key, fields: { parent?: number | null; name?: string } = {}): Promise<Both> {
  const orm = b.newContext();
  const code = `r${++seq}`;
  const draft = await (orm[key] as unknown as Repo).new({ code, email: `${code}@x`, name: "old", size: 1, ...fields });
  await orm.flush();
  return draft;
}

async function newParent(): Promise<number> {
  const orm = b.newContext();
  const p = await orm.parent.new({ name: "p" });
  await orm.flush();
  return p.id;
}

/** B edits the entity (its current version) and flushes. */
async function write(key: Key, id: number, change: (d: { -readonly [K in keyof Both]: Both[K] }) => void): Promise<void> {
  const orm = b.newContext();
  const r = orm[key] as unknown as Repo;
  const current = await r.getById(id);
  change(r.edit(current!));
  await orm.flush();
}

/** Fill scripts A ran so far (EVALSHA events are emitted when the script returned). */
const fills = (): number => h.rec.events.filter((e) => e.operation === "EVALSHA" && e.query.startsWith("beeormFill")).length;

let gates = 0;
/**
 * Holds `engine`'s next cache fill: when a MySQL event matching `match` fires (after the SELECT
 * returned, before the fill), blocks the engine's Redis connection with a BLPOP until `release()`.
 */
function holdFillAfter(engine: MatrixEngine, match: (e: QueryEvent) => boolean): { reached: Promise<void>; release: () => Promise<void> } {
  const gate = `${h.namespace}:test-gate:${++gates}`;
  let reached!: () => void;
  const promise = new Promise<void>((resolve) => (reached = resolve));
  const stop = engine.onQuery((event) => {
    if (event.source !== "mysql" || !match(event)) return;
    stop();
    void redisDriver(engine).blpop(gate, 10).catch(() => undefined);
    reached();
  });
  const timeout = new Promise<void>((_, reject) => {
    const timer = setTimeout(() => reject(new Error("the held query never ran: the match in holdFillAfter is out of date")), 5000);
    void promise.then(() => clearTimeout(timer));
  });
  return {
    reached: Promise.race([promise, timeout]),
    release: async () => {
      await h.redis.rpush(gate, "go");
    },
  };
}

describe.each([
  { key: "both" as const, entity: "Both" },
  { key: "redisOnly" as const, entity: "RedisOnly" },
])("$entity: a read-fill racing a write", ({ key, entity }) => {
  it("getById: the row A read before B's write is not stored", async () => {
    const e = await create(key);
    const rowKey = h.keys(entity).row(e.id);
    await h.redis.del(rowKey);
    a.clearLocalCaches();

    h.rec.reset();
    const hold = holdFillAfter(a, (ev) => ev.query.includes(`FROM \`${entity}\` WHERE \`ID\` IN`));
    const reading = repo(a, key).getById(e.id);
    await hold.reached;
    await write(key, e.id, (d) => (d.name = "new"));
    expect(fills(), "A's fill was held until after B's write").toBe(0);
    await hold.release();
    expect((await reading)?.name).toBe("old"); // it read before the write: fine to return
    expect(fills(), "A attempted its fill").toBe(1);

    expect(JSON.parse((await h.redis.get(rowKey))!)[NAME]).toBe("new");
    expect(await eventually(async () => (await repo(a, key).getById(e.id))?.name === "new")).toBe(true);
    a.clearLocalCaches();
    const { value, counts } = await h.rec.step(() => repo(a, key).getById(e.id));
    expect(value?.name).toBe("new");
    expect(counts.mysql).toBe(0);
  });

  it("getById of a row deleted by B meanwhile: the row is not stored", async () => {
    const e = await create(key);
    const rowKey = h.keys(entity).row(e.id);
    await h.redis.del(rowKey);
    a.clearLocalCaches();

    h.rec.reset();
    const hold = holdFillAfter(a, (ev) => ev.query.includes(`FROM \`${entity}\` WHERE \`ID\` IN`));
    const reading = repo(a, key).getById(e.id);
    await hold.reached;
    const orm = b.newContext();
    (orm[key] as unknown as Repo).delete(e);
    await orm.flush();
    expect(fills(), "A's fill was held until after B's write").toBe(0);
    await hold.release();
    await reading;
    expect(fills(), "A attempted its fill").toBe(1);

    expect(await h.redis.get(rowKey)).toBe("-");
    expect(await eventually(async () => (await repo(a, key).getById(e.id)) === undefined)).toBe(true);
  });

  it("getByCode: the key A read before B changed the code is not stored", async () => {
    const e = await create(key);
    const hash = h.keys(entity).unique("code");
    await h.redis.hdel(hash, encodeIndexKey([e.code]));

    h.rec.reset();
    const hold = holdFillAfter(a, (ev) => ev.query.includes("WHERE `code` = ?"));
    const reading = repo(a, key).getByCode(e.code);
    await hold.reached;
    await write(key, e.id, (d) => (d.code = `${e.code}-new`));
    expect(fills(), "A's fill was held until after B's write").toBe(0);
    await hold.release();
    await reading;
    expect(fills(), "A attempted its fill").toBe(1);

    expect(await h.redis.hget(hash, encodeIndexKey([e.code.toLowerCase()]))).toBeNull();
    expect(await h.redis.hget(hash, encodeIndexKey([`${e.code}-new`.toLowerCase()]))).toBe(String(e.id));
    expect(await repo(a, key).getByCode(e.code)).toBeUndefined();
  });

  it("getByParent: the id set A read before B moved the entity is not stored", async () => {
    const p1 = await newParent();
    const p2 = await newParent();
    const e = await create(key, { parent: p1 });
    const set = h.keys(entity).set("parent", encodeIndexKey([p1]));
    await h.redis.del(set);

    h.rec.reset();
    const hold = holdFillAfter(a, (ev) => ev.query.includes("WHERE `parent` <=> ?"));
    const reading = repo(a, key).getByParent(p1);
    await hold.reached;
    await write(key, e.id, (d) => (d.parent = p2));
    expect(fills(), "A's fill was held until after B's write").toBe(0);
    await hold.release();
    await reading;
    expect(fills(), "A attempted its fill").toBe(1);

    expect(await h.redis.smembers(set)).not.toContain(String(e.id));
    expect(await repo(a, key).getByParent(p1)).toEqual([]);
    expect((await repo(a, key).getByParent(p2)).map((x) => x.id)).toEqual([e.id]);
  });

  it("getAll: the id set A read before B deleted an entity is not stored", async () => {
    const e = await create(key);
    const all = h.keys(entity).all();
    await h.redis.del(all);

    h.rec.reset();
    const hold = holdFillAfter(a, (ev) => ev.query.startsWith(`SELECT \`ID\` FROM \`${entity}\` ORDER BY`));
    const reading = repo(a, key).getAll();
    await hold.reached;
    const orm = b.newContext();
    (orm[key] as unknown as Repo).delete(e);
    await orm.flush();
    expect(fills(), "A's fill was held until after B's write").toBe(0);
    await hold.release();
    await reading;
    expect(fills(), "A attempted its fill").toBe(1);

    expect(await h.redis.smembers(all)).not.toContain(String(e.id));
    const ids = (await repo(a, key).getAll()).map((x) => x.id);
    expect(ids).not.toContain(e.id);
    expect(ids).toEqual(await h.ids(entity));
  });
});

describe("stress: cold reads racing updates", () => {
  it("after every round Redis and a cold getById equal MySQL (200 rounds)", async () => {
    const e = await create("both");
    const rowKey = h.keys("Both").row(e.id);
    const stale: string[] = [];
    for (let round = 0; round < 200; round++) {
      const value = `v${round}`;
      a.clearLocalCaches();
      await h.redis.del(rowKey);
      const writing = write("both", e.id, (d) => (d.name = value));
      const reading = repo(a, "both").getById(e.id);
      if (round % 2 === 0) await Promise.all([writing, reading]);
      else await Promise.all([reading, writing]);

      const [row] = await h.rows<{ name: string }>("SELECT name FROM `Both` WHERE ID = ?", [e.id]);
      expect(row?.name).toBe(value);
      const cached = await h.redis.get(rowKey);
      if (cached === null || JSON.parse(cached)[NAME] !== value) stale.push(`round ${round}: Redis holds ${cached}`);
      a.clearLocalCaches();
      const cold = await repo(a, "both").getById(e.id);
      if (cold?.name !== value) stale.push(`round ${round}: getById returned ${cold?.name}`);
    }
    expect(stale).toEqual([]);
  });
});

describe("write-write: an edit made from a stale copy", () => {
  // Context 1 loaded the entity, context 2 changed it and flushed, then context 1 edits its copy.
  // MySQL gets only context 1's changed columns; the caches must end up equal to MySQL's row,
  // not to context 1's full (partly stale) draft.
  it.each(["both", "redisOnly"] as const)("%s: the cached row equals MySQL's", async (key) => {
    const p1 = await newParent();
    const p2 = await newParent();
    const e = await create(key, { parent: p1 });
    const copy = (await repo(b, key).getById(e.id))!;

    await write(key, e.id, (d) => (d.name = "changed by context 2"));
    const orm = b.newContext();
    (orm[key] as unknown as Repo).edit(copy).parent = p2;
    await orm.flush();

    const entity = key === "both" ? "Both" : "RedisOnly";
    const [row] = await h.rows<{ name: string; parent: string }>(`SELECT name, parent FROM \`${entity}\` WHERE ID = ?`, [e.id]);
    expect({ name: row!.name, parent: Number(row!.parent) }).toEqual({ name: "changed by context 2", parent: p2 });
    // Redis holds MySQL's row (the JSON of toRow), not context 1's draft
    expect(JSON.parse((await h.redis.get(h.keys(entity).row(e.id)))!)).toEqual([e.id, e.code, e.email, "changed by context 2", e.color, e.size, p2, null]);
    const fromCache = await repo(b, key).getById(e.id);
    expect({ name: fromCache?.name, parent: fromCache?.parent }).toEqual({ name: "changed by context 2", parent: p2 });
    b.clearLocalCaches();
    const fromRedis = await repo(b, key).getById(e.id);
    expect({ name: fromRedis?.name, parent: fromRedis?.parent }).toEqual({ name: "changed by context 2", parent: p2 });
  });

  it.each(["both", "redisOnly"] as const)("%s: cached reference sets stay right", async (key) => {
    const [p1, p2, p3] = [await newParent(), await newParent(), await newParent()];
    const e = await create(key, { parent: p1 });
    for (const p of [p1, p2, p3]) await repo(b, key).getByParent(p); // fill the three sets
    const copy = (await repo(b, key).getById(e.id))!;

    await write(key, e.id, (d) => (d.parent = p2)); // context 2: p1 → p2
    const orm = b.newContext();
    (orm[key] as unknown as Repo).edit(copy).parent = p3; // context 1, from its stale copy (p1): → p3
    await orm.flush();

    const set = (p: number): string => h.keys(key === "both" ? "Both" : "RedisOnly").set("parent", encodeIndexKey([p]));
    expect(await h.redis.sismember(set(p1), String(e.id))).toBe(0);
    expect(await h.redis.sismember(set(p2), String(e.id)), "moved out of its true old key (p2), not the stale copy's (p1)").toBe(0);
    expect(await h.redis.sismember(set(p3), String(e.id))).toBe(1);
    const recB = new Recorder();
    recB.attach(b);
    const lists = async (): Promise<number[][]> => Promise.all([p1, p2, p3].map(async (p) => (await repo(b, key).getByParent(p)).map((x) => x.id)));
    expect(await lists()).toEqual([[], [], [e.id]]);
    recB.close();
    expect(recB.events.filter((ev) => ev.source === "mysql" && ev.query.includes("WHERE `parent`")), "served by the cached sets").toEqual([]);
  });
});
