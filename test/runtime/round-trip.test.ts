/**
 * Every type of the language, with extreme and ordinary values, written once and read back from
 * every tier: MySQL as plain SQL sees it, Redis, the local cache and MySQL through the runtime.
 * All of them must equal the draft as flush normalised it (rounded, truncated, reordered).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mysqlDriver, redisDriver } from "beeorm/runtime/drivers";
import type { Everything, EverythingDraft, EverythingInput } from "../fixtures/matrix/generated/index.js";
import { openHarness, type Harness } from "./harness.js";

let h: Harness;
let parent: number;
beforeAll(async () => {
  h = await openHarness("roundtrip", 11);
  const orm = h.engine.newContext();
  parent = (await orm.parent.new({ name: "p" })).id;
  await orm.flush();
});
afterAll(async () => {
  await h?.close();
});

/** The first `n` code points of `text` repeated. */
function codePoints(text: string, n: number): string {
  const points = [...text];
  return Array.from({ length: n }, (_, i) => points[i % points.length]).join("");
}

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const MEDIUM_BYTES = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256); // more than a blob holds
const STR_255 = codePoints("Zażółć gęślą jaźń 🐝 ", 255);
const TEXT = `first line\nsecond\tline with a NUL \u0000 and 'quotes' "double" \\ backslash; ${"🐝".repeat(1000)} ${"x".repeat(100_000)}`;

function maxInput(): EverythingInput {
  return {
    flag: true,
    flagN: false,
    i8: 127,
    i16: 32767,
    i24: 8388607,
    i32: 2147483647,
    i64: 9223372036854775807n,
    u8: 255,
    u16: 65535,
    u24: 16777215,
    u32: 4294967295,
    u64: 18446744073709551615n,
    i32N: -2147483648,
    i64N: -9223372036854775808n,
    u64N: 0n,
    f32: 1.2503, // @precision(3) → 1.25 (exact in single precision: see "float32 columns" for the others)
    f64: 3.14159265358979, // @precision(5) → 3.14159
    f64Raw: 1.7976931348623157e308,
    f32N: 0.5,
    f64U: 2.675, // @precision(2) → 2.68
    dec: -12345678.905, // decimal(10,2) → -12345678.91
    decU: 999.994, // decimal(5,2) → 999.99
    decN: 123456.78905, // decimal(20,4) → 123456.7891
    vc: "😀".repeat(10), // 10 characters, 20 UTF-16 units, 40 bytes
    vcN: "  pad  ",
    str: STR_255,
    txt: TEXT,
    txtN: "",
    day: new Date("9999-12-31T23:59:59.999Z"),
    dayN: new Date("1000-01-01T12:34:56Z"),
    at: new Date("9999-12-31T23:59:59.999Z"),
    atN: new Date("1000-01-01T00:00:00.001Z"),
    createdAt: new Date("2024-02-29T13:45:30.789Z"),
    blob: ALL_BYTES,
    blobN: new Uint8Array(0),
    blobM: MEDIUM_BYTES,
    blobL: Uint8Array.of(0, 0, 0),
    color: "blue",
    colorN: "green",
    flags: ["d-e", "a", "c", "a"],
    flagsN: [],
    parent,
    parentN: parent,
  };
}

function minInput(): EverythingInput {
  return {
    flag: false,
    flagN: null,
    i8: -128,
    i16: -32768,
    i24: -8388608,
    i32: -2147483648,
    i64: -9223372036854775808n,
    u8: 0,
    u16: 0,
    u24: 0,
    u32: 0,
    u64: 0n,
    i32N: null,
    i64N: null,
    u64N: null,
    f32: -0.50049, // → -0.5
    f64: -0.000014, // → -0.00001
    f64Raw: -2.2250738585072014e-308,
    f32N: null,
    f64U: null,
    dec: -99999999.99,
    decU: 0,
    decN: null,
    vc: "",
    vcN: null,
    str: "",
    txt: "",
    txtN: null,
    day: new Date("1970-01-01T00:00:00Z"),
    dayN: null,
    at: new Date("1969-12-31T23:59:59.500Z"), // before the epoch: truncates down to :59
    atN: null,
    createdAt: new Date("2000-01-01T00:00:00Z"),
    blob: new Uint8Array(0),
    blobN: null,
    blobM: null,
    blobL: null,
    color: "red",
    colorN: null,
    flags: [],
    flagsN: null,
    parent,
    parentN: null,
  };
}

/** What MySQL holds, as plain SQL over the text protocol returns it. */
function expectedMaxRow(id: number): Record<string, unknown> {
  return {
    ID: String(id),
    flag: 1,
    flagN: 0,
    i8: 127,
    i16: 32767,
    i24: 8388607,
    i32: 2147483647,
    i64: "9223372036854775807",
    u8: 255,
    u16: 65535,
    u24: 16777215,
    u32: 4294967295,
    u64: "18446744073709551615",
    i32N: -2147483648,
    i64N: "-9223372036854775808",
    u64N: "0",
    f32: 1.25,
    f64: 3.14159,
    f64Raw: 1.7976931348623157e308,
    f32N: 0.5,
    f64U: 2.68,
    dec: "-12345678.91",
    decU: "999.99",
    decN: "123456.7891",
    vc: "😀".repeat(10),
    vcN: "  pad  ",
    str: STR_255,
    txt: TEXT,
    txtN: "",
    day: "9999-12-31",
    dayN: "1000-01-01",
    at: "9999-12-31 23:59:59",
    atN: "1000-01-01 00:00:00",
    createdAt: "2024-02-29 13:45:30",
    blob: Buffer.from(ALL_BYTES),
    blobN: Buffer.alloc(0),
    blobM: Buffer.from(MEDIUM_BYTES),
    blobL: Buffer.from([0, 0, 0]),
    color: "blue",
    colorN: "green",
    flags: "a,c,d-e",
    flagsN: "",
    parent: String(parent),
    parentN: String(parent),
  };
}

function expectedMinRow(id: number): Record<string, unknown> {
  return {
    ID: String(id),
    flag: 0,
    flagN: null,
    i8: -128,
    i16: -32768,
    i24: -8388608,
    i32: -2147483648,
    i64: "-9223372036854775808",
    u8: 0,
    u16: 0,
    u24: 0,
    u32: 0,
    u64: "0",
    i32N: null,
    i64N: null,
    u64N: null,
    f32: -0.5,
    f64: -0.00001,
    f64Raw: -2.2250738585072014e-308,
    f32N: null,
    f64U: null,
    dec: "-99999999.99",
    decU: "0.00",
    decN: null,
    vc: "",
    vcN: null,
    str: "",
    txt: "",
    txtN: null,
    day: "1970-01-01",
    dayN: null,
    at: "1969-12-31 23:59:59",
    atN: null,
    createdAt: "2000-01-01 00:00:00",
    blob: Buffer.alloc(0),
    blobN: null,
    blobM: null,
    blobL: null,
    color: "red",
    colorN: null,
    flags: "",
    flagsN: null,
    parent: String(parent),
    parentN: null,
  };
}

/** mysql2 returns small bigints as numbers even with bigNumberStrings; compare as strings. */
function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = ["ID", "i64", "u64", "i64N", "u64N", "parent", "parentN"].includes(key) && typeof value === "number" ? String(value) : value;
  }
  return out;
}

/**
 * What Redis holds for a row: the JSON of the entity's `toRow()` array in column order, i.e. the
 * SQL row with booleans, ids and decimals as JSON values, 64-bit ints, dates and sets as the
 * strings MySQL uses, and bytes in base64.
 */
function expectedCachedRow(sqlRow: Record<string, unknown>): unknown[] {
  return Object.entries(sqlRow).map(([column, value]) => {
    if (value === null) return null;
    if (["ID", "parent", "parentN", "dec", "decU", "decN"].includes(column)) return Number(value);
    if (column === "flag" || column === "flagN") return value === 1;
    if (Buffer.isBuffer(value)) return value.toString("base64");
    return value;
  });
}

async function redisRow(id: number): Promise<unknown[] | null> {
  const text = await h.redis.get(h.keys("Everything").row(id));
  return text === null ? null : (JSON.parse(text) as unknown[]);
}

async function mysqlRow(id: number): Promise<Record<string, unknown>> {
  const [row] = await h.rows("SELECT * FROM `Everything` WHERE ID = ?", [id]);
  return normaliseRow(row!);
}

function expectFrozen(e: Everything, label: string): void {
  expect(Object.isFrozen(e), label).toBe(true);
  expect(() => {
    (e as { i8: number }).i8 = 1;
  }, label).toThrow(TypeError);
  expect(() => e.createdAt.setFullYear(2001), label).toThrow(TypeError);
  expect(() => e.day.setTime(0), label).toThrow(TypeError);
  expect(() => (e.flags as string[]).push("b"), label).toThrow(TypeError);
}

describe.each([
  { label: "extreme values", input: maxInput, row: expectedMaxRow },
  { label: "minimum values and nulls", input: minInput, row: expectedMinRow },
])("Everything with $label", ({ input, row }) => {
  let draft: EverythingDraft;

  beforeAll(async () => {
    const orm = h.engine.newContext();
    draft = await orm.everything.new(input());
    await orm.flush();
  });

  it("flush writes the normalised values back into the draft", () => {
    const given = input();
    expect(draft.at.getUTCMilliseconds()).toBe(0);
    expect(draft.createdAt.getUTCMilliseconds()).toBe(0);
    expect(draft.day.getTime() % 86_400_000).toBe(0);
    expect(draft.at.getTime()).toBe(given.at.getTime() - (((given.at.getTime() % 1000) + 1000) % 1000));
    if (given.f32 === 1.2503) {
      expect(draft.f32).toBe(1.25);
      expect(draft.f64).toBe(3.14159);
      expect(draft.f64U).toBe(2.68);
      expect(draft.dec).toBe(-12345678.91);
      expect(draft.decU).toBe(999.99);
      expect(draft.decN).toBe(123456.7891);
      expect(draft.flags).toEqual(["a", "c", "d-e"]);
      expect(draft.day.toISOString()).toBe("9999-12-31T00:00:00.000Z");
    } else {
      expect(draft.f32).toBe(-0.5);
      expect(draft.f64).toBe(-0.00001);
      expect(draft.at.toISOString()).toBe("1969-12-31T23:59:59.000Z");
    }
  });

  it("(a) MySQL holds the same values (plain SQL)", async () => {
    expect(await mysqlRow(draft.id)).toEqual(row(draft.id));
  });

  it("(b) getById from Redis equals the draft", async () => {
    h.engine.clearLocalCaches();
    const { value, counts } = await h.rec.step(() => h.engine.newContext().everything.getById(draft.id));
    expect(counts).toEqual({ mysql: 0, redis: 1, local: 1 });
    expect(value).toEqual(draft);
    expectFrozen(value!, "from Redis");
  });

  it("(c) getById from the local cache equals the draft", async () => {
    const { value, counts } = await h.rec.step(() => h.engine.newContext().everything.getById(draft.id));
    expect(counts).toEqual({ mysql: 0, redis: 0, local: 1 });
    expect(value).toEqual(draft);
    expectFrozen(value!, "from the local cache");
  });

  it("(d) getById from MySQL equals the draft", async () => {
    await h.coldCaches();
    const { value, counts } = await h.rec.step(() => h.engine.newContext().everything.getById(draft.id));
    expect(counts.mysql).toBe(1);
    expect(value).toEqual(draft);
    expectFrozen(value!, "from MySQL");
    // and what that read put into Redis reads back the same
    h.engine.clearLocalCaches();
    const again = await h.rec.step(() => h.engine.newContext().everything.getById(draft.id));
    expect(again.counts.mysql).toBe(0);
    expect(again.value).toEqual(draft);
  });

  it("(e) search and getByIds return the same entity", async () => {
    const orm = h.engine.newContext();
    expect(await orm.everything.search("ID = ?", [draft.id])).toEqual([draft]);
    expect(await orm.everything.getByIds([draft.id, draft.id])).toEqual([draft, draft]);
    expect(await orm.everything.searchIds("u64 = ? AND i64 = ?", [String(draft.u64), String(draft.i64)])).toEqual([draft.id]);
  });

  it("(f) Redis holds the JSON of the SQL row (toRow), as a flush and as a read-fill from MySQL write it", async () => {
    const orm = h.engine.newContext();
    const fresh = await orm.everything.new(input());
    await orm.flush();
    const written = await redisRow(fresh.id);
    expect(written).toEqual(expectedCachedRow(row(fresh.id)));
    expect(written).toHaveLength(44);

    await h.coldCaches();
    expect(await redisRow(draft.id)).toBeNull();
    const { counts } = await h.rec.step(() => h.engine.newContext().everything.getById(draft.id));
    expect(counts.mysql).toBe(1);
    expect(await redisRow(draft.id)).toEqual(expectedCachedRow(row(draft.id)));
  });

  it("copy() inserts the same values under a new id", async () => {
    const orm = h.engine.newContext();
    const source = (await orm.everything.getById(draft.id))!;
    const copy = await orm.everything.copy(source);
    expect(copy.id).not.toBe(draft.id);
    await orm.flush();
    await h.coldCaches();
    const loaded = await h.engine.newContext().everything.getById(copy.id);
    expect(loaded).toEqual({ ...draft, id: copy.id });
    expect(await mysqlRow(copy.id)).toEqual(row(copy.id));
  });
});

describe("bigint parameters", () => {
  it("search binds bigint values", async () => {
    const orm = h.engine.newContext();
    const e = await orm.everything.new({ ...minInput(), u64: 18446744073709551615n, i64: -9223372036854775808n });
    await orm.flush();
    expect(await orm.everything.searchIds("u64 = ? AND i64 = ?", [18446744073709551615n, -9223372036854775808n])).toEqual([e.id]);
  });
});

describe("float32 columns", () => {
  // A float column stores single precision. Whatever the runtime normalises a float32 to (rounded
  // to the shortest decimal, or Math.fround), the draft, the caches and a read from MySQL must all
  // hold the same number: today the draft and the caches keep the double while MySQL returns the
  // float32's binary value (1.2350000143051147 for 1.235).
  it.each([
    { field: "f32" as const, value: 1.23456, expected: 1.235 },
    { field: "f32N" as const, value: 0.1, expected: 0.1 },
    { field: "f32N" as const, value: 16777217, expected: 16777216 },
  ])("$field = $value: draft, local cache, Redis and MySQL hold the same number (≈ $expected)", async ({ field, value, expected }) => {
    const orm = h.engine.newContext();
    const draft = await orm.everything.new({ ...minInput(), [field]: value });
    await orm.flush();
    const fromLocal = await h.engine.newContext().everything.getById(draft.id);
    h.engine.clearLocalCaches();
    const fromRedis = await h.engine.newContext().everything.getById(draft.id);
    await h.coldCaches();
    const fromMysql = await h.engine.newContext().everything.getById(draft.id);
    const normalised = draft[field]!;
    expect(Math.abs(normalised - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-7);
    expect({ local: fromLocal?.[field], redis: fromRedis?.[field], mysql: fromMysql?.[field] }).toEqual({
      local: normalised,
      redis: normalised,
      mysql: normalised,
    });
  });
});

describe("immutability", () => {
  it("a mutated bytes array of a loaded entity does not change what the next getById returns", async () => {
    const orm = h.engine.newContext();
    const draft = await orm.everything.new(maxInput());
    await orm.flush();
    const read = async (): Promise<Everything> => (await h.engine.newContext().everything.getById(draft.id))!;

    const fromLocal = await read();
    fromLocal.blob[0] = 99;
    fromLocal.blobM![1] = 99;
    expect((await read()).blob[0]).toBe(0);
    expect((await read()).blobM![1]).toBe(MEDIUM_BYTES[1]);

    h.engine.clearLocalCaches();
    const fromRedis = await read();
    fromRedis.blob[0] = 98;
    expect((await read()).blob[0]).toBe(0);

    await h.coldCaches();
    const fromMysql = await read();
    fromMysql.blob[0] = 97;
    expect((await read()).blob[0]).toBe(0);
    expect(await read()).toEqual(draft);
  });

  it("changing the flushed draft afterwards does not change the cached entity", async () => {
    const orm = h.engine.newContext();
    const draft = await orm.everything.new(maxInput());
    await orm.flush();
    const before = structuredClone({ ...draft });
    draft.vc = "changed";
    draft.createdAt.setUTCFullYear(2001);
    draft.blob[0] = 77;
    draft.flags.push("b");
    const { value, counts } = await h.rec.step(() => h.engine.newContext().everything.getById(draft.id));
    expect(counts.local).toBe(1);
    expect(value).toEqual(before);
  });

  it("edit() returns a mutable copy; the loaded entity stays as it was", async () => {
    const orm = h.engine.newContext();
    const created = await orm.everything.new(maxInput());
    await orm.flush();
    const loaded = (await orm.everything.getById(created.id))!;
    const edited = orm.everything.edit(loaded);
    edited.createdAt.setUTCFullYear(2001);
    edited.flags.push("b");
    edited.i8 = 1;
    expect(loaded.createdAt.getUTCFullYear()).toBe(2024);
    expect(loaded.flags).toEqual(["a", "c", "d-e"]);
    expect(loaded.i8).toBe(127);
  });
});

describe("updates", () => {
  it("assigning values equal after normalisation is not a change: no query at all", async () => {
    const orm = h.engine.newContext();
    const created = await orm.everything.new(maxInput());
    await orm.flush();
    const loaded = (await orm.everything.getById(created.id))!;
    const d = orm.everything.edit(loaded);
    d.at = new Date(loaded.at.getTime() + 999); // the same second
    d.day = new Date(loaded.day.getTime() + 3_600_000); // the same day
    d.f64 = loaded.f64 + 0.000001; // rounds to the same 5 digits
    d.dec = loaded.dec - 0.001; // rounds to the same cents
    d.flags = ["d-e", "c", "a", "c"]; // the same set
    d.blob = new Uint8Array(loaded.blob); // the same bytes
    const { counts } = await h.rec.step(() => orm.flush());
    expect(counts).toEqual({ mysql: 0, redis: 0, local: 0 });
  });

  it("an edit of every field is one UPDATE (after reading and locking the row), and every tier returns the new values", async () => {
    const orm = h.engine.newContext();
    const created = await orm.everything.new(maxInput());
    await orm.flush();
    const d = orm.everything.edit((await orm.everything.getById(created.id))!);
    Object.assign(d, minInput());
    const { events } = await h.rec.step(() => orm.flush());
    const statements = events.filter((e) => e.source === "mysql");
    expect(statements.map((e) => e.operation)).toEqual(["BEGIN", "SELECT", "UPDATE", "COMMIT"]);
    expect(statements[1]!.query).toMatch(/^SELECT `ID`, .* FROM `Everything` WHERE `ID` IN \(\?\) FOR UPDATE$/);
    expect(statements[1]!.params).toEqual([d.id]);
    const update = statements[2]!;
    expect(update.params).toHaveLength(43); // 42 changed columns (all but parent) + the id
    expect(update.query).toMatch(/^UPDATE `Everything` SET /);
    expect(update.query).not.toContain("`parent` =");
    expect(await mysqlRow(d.id)).toEqual(expectedMinRow(d.id));
    expect(await redisRow(d.id)).toEqual(expectedCachedRow(expectedMinRow(d.id)));
    expect(await h.engine.newContext().everything.getById(d.id)).toEqual(d);
    h.engine.clearLocalCaches();
    expect(await h.engine.newContext().everything.getById(d.id)).toEqual(d);
    await h.coldCaches();
    expect(await h.engine.newContext().everything.getById(d.id)).toEqual(d);
  });
});

describe("drivers (beeorm/runtime/drivers)", () => {
  it("mysqlDriver and redisDriver are the engine's own mysql2 pool and ioredis client", async () => {
    const [rows] = await mysqlDriver(h.engine).query("SELECT `name` FROM `Parent` WHERE `ID` = ?", [parent]);
    expect(rows).toEqual([{ name: "p" }]);
    // The ioredis client of pool "default": it sees the row the flush cached in this test's DB.
    await h.engine.newContext().parent.getById(parent);
    expect(JSON.parse((await redisDriver(h.engine).get(h.keys("Parent").row(parent)))!)).toEqual([parent, "p"]);
    expect(() => redisDriver(h.engine, "nope")).toThrow('unknown Redis pool "nope" (pools: default)');
  });
});
