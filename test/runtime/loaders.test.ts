/**
 * Every loader × {no cache, local, Redis, local + Redis} (BeeORM's get_by_*_test.go matrix):
 * the data each returns and how many MySQL queries, Redis commands and local lookups it costs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryError } from "beeorm/runtime";
import type { Both, Color, Orm } from "../fixtures/matrix/generated/index.js";
import { openHarness, type Counts, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await openHarness("loaders", 10);
});
afterAll(async () => {
  await h?.close();
});

interface Variant {
  readonly name: "NoCache" | "LocalOnly" | "RedisOnly" | "Both";
  readonly key: "noCache" | "localOnly" | "redisOnly" | "both";
  readonly local: boolean;
  readonly redis: boolean;
}

const VARIANTS: Variant[] = [
  { name: "NoCache", key: "noCache", local: false, redis: false },
  { name: "LocalOnly", key: "localOnly", local: true, redis: false },
  { name: "RedisOnly", key: "redisOnly", local: false, redis: true },
  { name: "Both", key: "both", local: true, redis: true },
];

/** The four repositories have the same shape; the tests use the Both types for all of them. */
type Repo = Orm["both"];
type Entity = Both;

/** Ids no test ever creates. */
let missingSeq = 9_000_000_000;
const missingId = (): number => ++missingSeq;

describe.each(VARIANTS)("$name", (v) => {
  const cached = v.local || v.redis;
  const repo = (orm: Orm = h.engine.newContext()): Repo => orm[v.key] as unknown as Repo;
  let seq = 0;
  const tag = (): string => `${v.name.slice(0, 3)}${++seq}`;

  /** What a getById of an entity in the caches costs. */
  const hit: Counts = cached
    ? { mysql: 0, redis: v.local ? 0 : 1, local: v.local ? 1 : 0 }
    : { mysql: 1, redis: 0, local: 0 };

  /** Parents, each flushed on its own (see flush.test.ts: ids of unflushed drafts are reused after the counter key is lost). */
  async function newParents(count: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const orm = h.engine.newContext();
      ids.push((await orm.parent.new({ name: `p-${v.name}` })).id);
      await orm.flush();
    }
    return ids;
  }

  async function insert(fields: Partial<Omit<Entity, "id">> = {}): Promise<Entity> {
    const orm = h.engine.newContext();
    const t = tag();
    const draft = await repo(orm).new({ code: t, email: `${t}@example.com`, name: `n-${v.name}`, color: "red", size: 1, ...fields });
    await orm.flush();
    return draft;
  }

  async function edit(entity: Entity, change: (draft: { -readonly [K in keyof Entity]: Entity[K] }) => void): Promise<Entity> {
    const orm = h.engine.newContext();
    const draft = repo(orm).edit(entity);
    change(draft);
    await orm.flush();
    return draft;
  }

  async function remove(entity: Entity): Promise<void> {
    const orm = h.engine.newContext();
    repo(orm).delete(entity);
    await orm.flush();
  }

  /** MySQL statements that looked up an index (as opposed to loading rows by id). */
  const indexQueries = (events: { source: string; query: string }[], column: string): number =>
    events.filter((e) => e.source === "mysql" && e.query.includes(`WHERE \`${column}\``)).length;

  describe("getById", () => {
    it(`after a flush costs ${JSON.stringify(hit)}`, async () => {
      const e = await insert();
      for (let round = 0; round < 2; round++) {
        const { value, counts } = await h.rec.step(() => repo().getById(e.id));
        expect(value).toEqual(e);
        expect(counts).toEqual(hit);
      }
    });

    it("refills after clearLocalCaches (local+Redis: from Redis without MySQL)", async () => {
      const e = await insert();
      h.engine.clearLocalCaches();
      const first = await h.rec.step(() => repo().getById(e.id));
      expect(first.value).toEqual(e);
      expect(first.counts).toEqual({ mysql: v.redis ? 0 : 1, redis: v.redis ? 1 : 0, local: v.local ? 1 : 0 });
      const second = await h.rec.step(() => repo().getById(e.id));
      expect(second.value).toEqual(e);
      expect(second.counts).toEqual(hit);
    });

    it("after FLUSHDB and clearing locals: exactly 1 MySQL query, then none", async () => {
      const e = await insert();
      await h.coldCaches();
      const first = await h.rec.step(() => repo().getById(e.id));
      expect(first.value).toEqual(e);
      expect(first.counts.mysql).toBe(1);
      if (v.redis) expect(await h.redis.get(h.keys(v.name).row(e.id))).not.toBeNull();
      const second = await h.rec.step(() => repo().getById(e.id));
      expect(second.value).toEqual(e);
      expect(second.counts).toEqual(hit);
    });

    it("a missing id costs 1 MySQL query the first time and none afterwards (negative caching)", async () => {
      const id = missingId();
      const first = await h.rec.step(() => repo().getById(id));
      expect(first.value).toBeUndefined();
      expect(first.counts.mysql).toBe(1);
      const second = await h.rec.step(() => repo().getById(id));
      expect(second.value).toBeUndefined();
      expect(second.counts).toEqual(hit);
      if (v.local) {
        h.engine.clearLocalCaches();
        const third = await h.rec.step(() => repo().getById(id));
        expect(third.value).toBeUndefined();
        expect(third.counts.mysql).toBe(v.redis ? 0 : 1);
      }
    });

    it("ignores ids that cannot exist without any query", async () => {
      for (const id of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
        const { value, counts } = await h.rec.step(() => repo().getById(id));
        expect(value).toBeUndefined();
        expect(counts).toEqual({ mysql: 0, redis: 0, local: 0 });
      }
    });

    it("coalesces concurrent calls of one tick into one MGET and one SELECT", async () => {
      const [a, b] = [await insert(), await insert()];
      const missing = missingId();
      await h.coldCaches();
      const r = repo();
      const { value, events } = await h.rec.step(() => Promise.all([r.getById(a.id), r.getById(b.id), r.getById(missing), r.getById(a.id)]));
      expect(value).toEqual([a, b, undefined, a]);
      expect(events.filter((e) => e.source === "mysql")).toHaveLength(1);
      expect(events.filter((e) => e.operation === "MGET")).toHaveLength(v.redis ? 1 : 0);
    });
  });

  describe("getByIds", () => {
    it("keeps order, length, duplicates and missing positions with one MGET and one SELECT at most", async () => {
      const [a, b] = [await insert(), await insert()];
      const missing = missingId();
      const ids = [a.id, missing, b.id, a.id];
      await h.coldCaches();
      const first = await h.rec.step(() => repo().getByIds(ids));
      expect(first.value).toEqual([a, undefined, b, a]);
      const selects = first.events.filter((e) => e.source === "mysql");
      expect(selects).toHaveLength(1);
      // The IN list is padded to a power of two (repeating the last id) to bound prepared-statement shapes.
      expect([...new Set((selects[0]!.params ?? []).map(Number))].sort()).toEqual([a.id, b.id, missing].sort());
      expect(selects[0]!.params).toHaveLength(4);
      expect(first.events.filter((e) => e.operation === "MGET")).toHaveLength(v.redis ? 1 : 0);

      const second = await h.rec.step(() => repo().getByIds(ids));
      expect(second.value).toEqual([a, undefined, b, a]);
      expect(second.counts.mysql).toBe(cached ? 0 : 1);
      expect(second.events.filter((e) => e.operation === "MGET")).toHaveLength(v.redis && !v.local ? 1 : 0);

      if (v.local && v.redis) {
        h.engine.clearLocalCaches();
        const third = await h.rec.step(() => repo().getByIds(ids));
        expect(third.value).toEqual([a, undefined, b, a]);
        expect(third.counts).toMatchObject({ mysql: 0, redis: 1 });
      }
    });

    it("returns [] for [] and undefined for impossible ids, without I/O", async () => {
      const a = await insert();
      expect((await h.rec.step(() => repo().getByIds([]))).value).toEqual([]);
      const { value, counts } = await h.rec.step(() => repo().getByIds([0, a.id, -5, 1.5]));
      expect(value).toEqual([undefined, a, undefined, undefined]);
      expect(counts.mysql).toBe(cached ? 0 : 1);
    });
  });

  describe("cached unique index (getByCode)", () => {
    it("resolves from the cache after a flush, and after a cold start fills it with one index query", async () => {
      const e = await insert();
      const warm = await h.rec.step(() => repo().getByCode(e.code));
      expect(warm.value).toEqual(e);
      expect(warm.counts.mysql).toBe(cached ? 0 : 1);
      expect(indexQueries(warm.events, "code")).toBe(0);

      await h.coldCaches();
      const cold = await h.rec.step(() => repo().getByCode(e.code));
      expect(cold.value).toEqual(e);
      expect(indexQueries(cold.events, "code")).toBe(1);
      expect(cold.counts.mysql).toBe(2); // the index lookup, then the row

      const again = await h.rec.step(() => repo().getByCode(e.code));
      expect(again.value).toEqual(e);
      expect(again.counts.mysql).toBe(cached ? 0 : 1);
      expect(indexQueries(again.events, "code")).toBe(0);
    });

    it("compares like MySQL does (case-insensitive), served from the cache", async () => {
      const e = await insert({ code: `Mixed${v.name}` });
      const upper = await h.rec.step(() => repo().getByCode(e.code.toUpperCase()));
      expect(upper.value).toEqual(e);
      const lower = await h.rec.step(() => repo().getByCode(e.code.toLowerCase()));
      expect(lower.value).toEqual(e);
      expect(indexQueries(lower.events, "code")).toBe(0);
    });

    it("follows an update of the code: the old value resolves to undefined, the new one to the entity", async () => {
      const e = await insert();
      expect(await repo().getByCode(e.code)).toEqual(e);
      const newCode = `${e.code}x`;
      const edited = await edit(e, (d) => (d.code = newCode));
      expect(await repo().getByCode(e.code)).toBeUndefined();
      const { value, counts } = await h.rec.step(() => repo().getByCode(newCode));
      expect(value).toEqual(edited);
      expect(value?.code).toBe(newCode);
      expect(counts.mysql).toBe(cached ? 0 : 1);
      expect(await repo().getById(e.id)).toEqual(edited);
      // the old code is free again
      const reuse = await insert({ code: e.code });
      expect(await repo().getByCode(e.code)).toEqual(reuse);
    });

    it("after a delete both the code and the id resolve to undefined (the id without MySQL when cached)", async () => {
      const e = await insert();
      expect(await repo().getByCode(e.code)).toEqual(e);
      await remove(e);
      expect(await repo().getByCode(e.code)).toBeUndefined();
      expect(await repo().getByEmail(e.email)).toBeUndefined();
      const { value, counts } = await h.rec.step(() => repo().getById(e.id));
      expect(value).toBeUndefined();
      expect(counts.mysql).toBe(cached ? 0 : 1);
    });
  });

  describe("non-cached unique index (getByEmail)", () => {
    it("runs one index query per call, rows from the cache", async () => {
      const e = await insert();
      for (let round = 0; round < 2; round++) {
        const { value, counts, events } = await h.rec.step(() => repo().getByEmail(e.email.toUpperCase()));
        expect(value).toEqual(e);
        expect(indexQueries(events, "email")).toBe(1);
        expect(counts.mysql).toBe(cached ? 1 : 2);
      }
      expect(await repo().getByEmail("nobody@example.com")).toBeUndefined();
    });
  });

  describe("cached reference (getByParent)", () => {
    it("follows inserts, moves and deletes without index queries after the first fill", async () => {
      const [pa, pb] = (await newParents(2)) as [number, number];
      const e1 = await insert({ parent: pa });

      const fill = await h.rec.step(() => repo().getByParent(pa));
      expect(fill.value).toEqual([e1]);
      expect(indexQueries(fill.events, "parent")).toBe(1);

      /** A lookup that must be served by the cached set: rows by id only (and none when rows are cached). */
      const lookup = async (parent: number | null): Promise<readonly Entity[]> => {
        const { value, counts, events } = await h.rec.step(() => repo().getByParent(parent));
        expect(indexQueries(events, "parent")).toBe(0);
        expect(counts.mysql).toBe(cached || value.length === 0 ? 0 : 1);
        return value;
      };
      expect(await lookup(pa)).toEqual([e1]);

      // an empty result is cached too
      const emptyFill = await h.rec.step(() => repo().getByParent(pb));
      expect(emptyFill.value).toEqual([]);
      expect(emptyFill.counts.mysql).toBe(1);
      expect(await lookup(pb)).toEqual([]);

      const e2 = await insert({ parent: pa });
      expect(await lookup(pa)).toEqual([e1, e2]);

      const moved = await edit(e1, (d) => (d.parent = pb));
      expect(await lookup(pa)).toEqual([e2]);
      expect(await lookup(pb)).toEqual([moved]);

      const orphan = await edit(e2, (d) => (d.parent = null));
      expect(await lookup(pa)).toEqual([]);
      const nulls = await repo().getByParent(null);
      expect(nulls.map((e) => e.id)).toContain(orphan.id);
      expect(nulls.every((e) => e.parent === null)).toBe(true);

      await remove(moved);
      expect(await lookup(pb)).toEqual([]);
      const e3 = await insert({ parent: pb });
      expect(await lookup(pb)).toEqual([e3]);
    });

    it("a non-cached reference (getByOwner) runs its query every time", async () => {
      const [owner] = (await newParents(1)) as [number];
      const e = await insert({ owner });
      for (let round = 0; round < 2; round++) {
        const { value, counts, events } = await h.rec.step(() => repo().getByOwner(owner));
        expect(value).toEqual([e]);
        expect(indexQueries(events, "owner")).toBe(1);
        expect(counts.mysql).toBe(1);
      }
    });
  });

  describe("cached index (getByColorSize)", () => {
    it("fills once, caches an empty result, then follows inserts, moves and deletes without index queries", async () => {
      const size = 100 + VARIANTS.indexOf(v) * 10;
      const color: Color = "blue";
      const lookup = async (s: number): Promise<readonly Entity[]> => {
        const { value, counts, events } = await h.rec.step(() => repo().getByColorSize(color, s));
        expect(indexQueries(events, "color")).toBe(0);
        expect(counts.mysql).toBe(cached || value.length === 0 ? 0 : 1);
        return value;
      };
      const fill = await h.rec.step(() => repo().getByColorSize(color, size));
      expect(fill.value).toEqual([]);
      expect(fill.counts.mysql).toBe(1);
      expect(await lookup(size)).toEqual([]);

      const a = await insert({ color, size });
      const b = await insert({ color, size });
      await insert({ color: "green", size }); // same size, other color: not in the set
      expect(await lookup(size)).toEqual([a, b]);

      await h.rec.step(() => repo().getByColorSize(color, size + 1)); // fill the target key
      const movedA = await edit(a, (d) => (d.size = size + 1));
      expect(await lookup(size)).toEqual([b]);
      expect(await lookup(size + 1)).toEqual([movedA]);

      await remove(b);
      expect(await lookup(size)).toEqual([]);
    });
  });

  describe("getAll (@cacheAll)", () => {
    it("fills once, then follows inserts and deletes without queries for the ids", async () => {
      const table = v.name;
      await insert();
      const fill = await h.rec.step(() => repo().getAll());
      expect(fill.value.map((e) => e.id)).toEqual(await h.ids(table));

      const all = async (): Promise<readonly Entity[]> => {
        const { value, counts, events } = await h.rec.step(() => repo().getAll());
        expect(events.filter((e) => e.source === "mysql" && e.query.startsWith("SELECT `ID` FROM"))).toHaveLength(0);
        expect(counts.mysql).toBe(cached ? 0 : 1);
        return value;
      };
      expect((await all()).map((e) => e.id)).toEqual(await h.ids(table));

      const added = await insert();
      const afterInsert = await all();
      expect(afterInsert.map((e) => e.id)).toEqual(await h.ids(table));
      expect(afterInsert.at(-1)).toEqual(added);

      await remove(added);
      const afterDelete = await all();
      expect(afterDelete.map((e) => e.id)).toEqual(await h.ids(table));
      expect(afterDelete.map((e) => e.id)).not.toContain(added.id);
    });
  });

  describe("search, searchIds, searchOne, count", () => {
    it("binds parameters, expands arrays, pages, and treats injection attempts as plain values", async () => {
      const name = `search-${v.name}`;
      const made: Entity[] = [];
      for (let i = 0; i < 5; i++) made.push(await insert({ name, color: i % 2 === 0 ? "red" : "green", size: i }));
      const ids = made.map((e) => e.id);

      const reds = await h.rec.step(() => repo().search("name = ? AND color = ?", [name, "red"]));
      expect(reds.value).toEqual([made[0], made[2], made[4]]);
      expect(reds.counts.mysql).toBe(1);
      expect(reds.events[0]!.params).toEqual([name, "red"]);

      const inList = await h.rec.step(() => repo().search("ID IN (?)", [[ids[3], ids[1]]]));
      expect(inList.value).toEqual([made[1], made[3]]);
      expect(inList.events[0]!.params).toEqual([ids[3], ids[1]]);
      expect(await repo().search("ID IN (?)", [[]])).toEqual([]);

      expect(await repo().searchIds("name = ?", [name], { page: 1, size: 2 })).toEqual(ids.slice(0, 2));
      expect(await repo().searchIds("name = ?", [name], { page: 2, size: 2 })).toEqual(ids.slice(2, 4));
      expect(await repo().searchIds("name = ?", [name], { page: 3, size: 2 })).toEqual(ids.slice(4));
      expect(await repo().searchIds("name = ?", [name], { page: 4, size: 2 })).toEqual([]);
      expect(await repo().search("name = ? ORDER BY size DESC", [name], { page: 1, size: 2 })).toEqual([made[4], made[3]]);

      expect(await repo().searchOne("name = ?", [name])).toEqual(made[0]);
      expect(await repo().searchOne("name = ? AND size > ?", [name, 100])).toBeUndefined();
      expect(await repo().count("name = ?", [name])).toBe(5);
      expect(await repo().count("name = ? AND size IN (?)", [name, [0, 1, 7]])).toBe(2);
      // a quoted "?" in the condition is text, not a placeholder
      expect(await repo().count("name <> 'a?b' AND name = ?", [name])).toBe(5);

      for (const evil of ["x' OR '1'='1", "' OR 1=1 -- ", '" OR ""="', "x\\' OR 1=1 #"]) {
        const found = await h.rec.step(() => repo().search("code = ?", [evil]));
        expect(found.value).toEqual([]);
        expect(found.events[0]!.query).not.toContain(evil);
        expect(await repo().count("name = ?", [evil])).toBe(0);
        expect(await repo().searchIds("name = ? OR code = ?", [evil, evil])).toEqual([]);
        expect(await repo().searchOne("name = ?", [evil])).toBeUndefined();
      }
      const total = await h.count(v.name);
      expect(await repo().count()).toBe(total);

      // such a value is stored and found as it is
      const quoted = await insert({ name: "x' OR '1'='1" });
      expect(await repo().search("name = ?", ["x' OR '1'='1"])).toEqual([quoted]);
    });
  });
});

describe("bad search arguments", () => {
  // Promise-returning methods must report bad arguments as rejections, not synchronous throws
  // (a caller chaining .catch() or collecting promises in Promise.all would miss the error).
  it("a wrong number of values or a bad pager rejects with a RangeError", async () => {
    const repo = h.engine.newContext().both;
    const calls: [string, () => Promise<unknown>][] = [
      ["search, too few values", () => repo.search("name = ? AND color = ?", ["only one"])],
      ["search, bad pager", () => repo.search("1 = 1", [], { page: 0, size: 10 })],
      ["searchIds, too many values", () => repo.searchIds("name = ?", ["a", "b"])],
      ["searchOne, too few values", () => repo.searchOne("name = ? AND code = ?", ["a"])],
      ["count, too many values", () => repo.count("name = ?", ["a", "b"])],
    ];
    for (const [what, call] of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call()), `${what} threw synchronously`).not.toThrow();
      await expect(promise, what).rejects.toThrow(RangeError);
    }
  });
});

describe("MySQL errors of a search", () => {
  it("are QueryErrors with the SQL, the bound values, the driver's error and the caller's stack", async () => {
    const error = await h.engine
      .newContext()
      .both.search("no_such_column = ?", ["v"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    const q = error as QueryError;
    expect(q.sql).toContain("no_such_column = ?");
    expect(q.params).toEqual(["v"]);
    expect(q.cause).toMatchObject({ errno: 1054 });
    expect(q.message).toMatch(/no_such_column/);
    expect(q.stack).toContain("loaders.test.ts");
  });
});

describe("getAll without @cacheAll", () => {
  it("cached rows (Plain): one id query per call, rows from the cache", async () => {
    const orm = h.engine.newContext();
    const made = [await orm.plain.new({ name: "a" }), await orm.plain.new({ name: "b" })];
    await orm.flush();
    for (let round = 0; round < 3; round++) {
      const { value, counts, events } = await h.rec.step(() => h.engine.newContext().plain.getAll());
      expect(value).toEqual(made);
      expect(counts.mysql).toBe(1);
      expect(events.find((e) => e.source === "mysql")!.query).toMatch(/^SELECT `ID` FROM `Plain`/);
    }
  });

  it("no cache (Wide): one full-row query per call", async () => {
    const orm = h.engine.newContext();
    const at = new Date("2024-05-06T07:08:09Z");
    const made = [
      await orm.wide.new({ c1: "a", c2: "b", c3: 1, c4: -1, c5: 1, c6: true, c7: at, c8: 1.5, c9: 0.25 }),
      await orm.wide.new({ c1: "c", c2: "d", c3: 2, c4: -2, c5: 2, c6: false, c7: at, c8: 2.5, c9: 0.5, c10: "blue", c11: "x" }),
    ];
    await orm.flush();
    for (let round = 0; round < 2; round++) {
      const { value, counts } = await h.rec.step(() => h.engine.newContext().wide.getAll());
      expect(value).toEqual(made);
      expect(counts).toEqual({ mysql: 1, redis: 0, local: 0 });
    }
  });
});
