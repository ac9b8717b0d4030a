/**
 * Validation at flush (SPEC §5): every rule rejects with a ValidationError naming entity, field,
 * value and rule; a failed flush writes nothing anywhere (not one query of any kind) and keeps
 * the context's changes, so fixing the value and flushing again succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columnNames, ValidationError } from "beeorm/runtime";
import { everythingEntity, type EverythingDraft } from "../fixtures/matrix/generated/index.js";
import { openHarness, type Harness } from "./harness.js";
import { everythingInput } from "./inputs.js";

let h: Harness;
beforeAll(async () => {
  h = await openHarness("validation", 12);
});
afterAll(async () => {
  await h?.close();
});

const validInput = everythingInput;

type Field = keyof EverythingDraft;

interface Case {
  readonly field: Field;
  readonly value: unknown;
  readonly rule: RegExp;
}

const CASES: Case[] = [
  // NOT NULL
  { field: "vc", value: null, rule: /must not be null/ },
  { field: "str", value: undefined, rule: /must not be null/ },
  { field: "color", value: null, rule: /must not be null/ },
  { field: "day", value: null, rule: /must not be null/ },
  { field: "blob", value: null, rule: /must not be null/ },
  { field: "parent", value: null, rule: /must not be null/ },
  // string length in characters (not UTF-16 units, not bytes)
  { field: "vc", value: "a".repeat(11), rule: /at most 10 characters/ },
  { field: "vc", value: "😀".repeat(11), rule: /at most 10 characters/ },
  { field: "str", value: "ż".repeat(256), rule: /at most 255 characters/ },
  { field: "txt", value: 5, rule: /must be a string/ },
  // integer ranges
  { field: "i8", value: 128, rule: /integer from -128 to 127/ },
  { field: "i8", value: -129, rule: /integer from -128 to 127/ },
  { field: "i24", value: 8388608, rule: /integer from -8388608 to 8388607/ },
  { field: "i32", value: 1.5, rule: /integer/ },
  { field: "u16", value: 65536, rule: /integer from 0 to 65535/ },
  { field: "u32", value: 2 ** 32, rule: /integer from 0 to 4294967295/ },
  { field: "i64", value: 2n ** 63n, rule: /from -9223372036854775808 to 9223372036854775807/ },
  { field: "i64", value: 1.5, rule: /bigint/ },
  { field: "u64", value: 2n ** 64n, rule: /from 0 to 18446744073709551615/ },
  // unsigned
  { field: "u8", value: -1, rule: /integer from 0 to 255/ },
  { field: "u64", value: -1n, rule: /from 0 to 18446744073709551615/ },
  { field: "decU", value: -0.01, rule: /must not be negative/ },
  { field: "f64U", value: -1, rule: /must not be negative/ },
  // decimal digits
  { field: "dec", value: 100_000_000, rule: /at most 8 digits before the decimal point/ },
  { field: "dec", value: 99_999_999.995, rule: /at most 8 digits before the decimal point/ }, // rounds up to 100000000.00
  { field: "decU", value: 1000, rule: /at most 3 digits before the decimal point/ },
  // floats
  { field: "f64", value: Number.NaN, rule: /finite/ },
  { field: "f64Raw", value: Number.POSITIVE_INFINITY, rule: /finite/ },
  { field: "f32N", value: 1e39, rule: /out of range/ },
  // enum / set membership
  { field: "color", value: "purple", rule: /must be one of "red", "green", "blue"/ },
  { field: "colorN", value: "RED", rule: /must be one of/ },
  { field: "flags", value: ["a", "z"], rule: /members must be among "a", "b", "c", "d-e"/ },
  { field: "flags", value: "a", rule: /must be an array/ },
  // dates
  { field: "day", value: new Date("not a date"), rule: /valid Date/ },
  { field: "at", value: new Date(Date.UTC(10000, 0, 1)), rule: /year 1000 to 9999/ },
  { field: "atN", value: new Date(Date.UTC(999, 11, 31)), rule: /year 1000 to 9999/ },
  { field: "createdAt", value: "2024-01-01 00:00:00", rule: /valid Date/ },
  // others
  { field: "flag", value: 1, rule: /boolean/ },
  { field: "parent", value: 0, rule: /must be an id/ },
  { field: "parentN", value: 2 ** 53, rule: /must be an id/ },
  { field: "blob", value: new Uint8Array(65_536), rule: /at most 65535 bytes/ },
  { field: "blobN", value: [1, 2], rule: /Uint8Array/ },
];

/** A valid value for each field a case breaks. */
function fixed(field: Field, parent: number): unknown {
  const valid = validInput(parent) as Partial<Record<Field, unknown>>;
  const extra: Partial<Record<Field, unknown>> = { color: "green", colorN: "blue", parentN: parent, f32N: 2.5, f64U: 2.5, atN: new Date("2024-01-01T00:00:00Z"), blobN: Uint8Array.of(9) };
  return field in valid ? valid[field] : extra[field];
}

async function rowsWithIds(table: string, ids: number[]): Promise<number> {
  const rows = await h.rows(`SELECT ID FROM \`${table}\` WHERE ID IN (?)`, [ids]);
  return rows.length;
}

describe("each rule", () => {
  it.each(CASES)("$field = $value → ValidationError ($rule); nothing written; fix and retry succeeds", async ({ field, value, rule }) => {
    const orm = h.engine.newContext();
    // other valid work in the same flush: it must not be written either
    const parent = await orm.parent.new({ name: "p" });
    const both = await orm.both.new({ code: `c${parent.id}`, email: `e${parent.id}`, name: "n", size: 1, parent: parent.id });
    const draft = await orm.everything.new(validInput(parent.id));
    (draft as unknown as Record<string, unknown>)[field] = value;

    const before = await h.snapshot();
    const counts = { Parent: await h.count("Parent"), Both: await h.count("Both"), Everything: await h.count("Everything") };
    h.rec.reset();
    const error = await orm.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(h.rec.events, "queries ran during the failed flush").toEqual([]);
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect({ entity: v.entity, field: v.field }).toEqual({ entity: "Everything", field });
    if (typeof value === "number" && Number.isNaN(value)) expect(v.value).toBeNaN();
    else expect(v.value).toBe(value);
    expect(v.rule).toMatch(rule);
    expect(v.message).toContain(`Everything.${field}`);

    expect({ Parent: await h.count("Parent"), Both: await h.count("Both"), Everything: await h.count("Everything") }).toEqual(counts);
    expect(await h.snapshot()).toEqual(before);
    expect(orm.isDirty(draft)).toBe(true);
    expect(orm.isDirty(parent)).toBe(true);

    // the same flush again fails the same way
    await expect(orm.flush()).rejects.toThrow(ValidationError);

    (draft as unknown as Record<string, unknown>)[field] = fixed(field, parent.id);
    await orm.flush();
    expect(await rowsWithIds("Parent", [parent.id])).toBe(1);
    expect(await rowsWithIds("Both", [both.id])).toBe(1);
    expect(await rowsWithIds("Everything", [draft.id])).toBe(1);
    expect(await h.engine.newContext().everything.getById(draft.id)).toEqual(draft);
    expect(orm.isDirty(draft)).toBe(false);
  });
});

describe("an invalid update", () => {
  it("leaves MySQL, Redis and the local cache as they were, and can be fixed", async () => {
    const orm = h.engine.newContext();
    const parent = await orm.parent.new({ name: "p" });
    const created = await orm.everything.new(validInput(parent.id));
    await orm.flush();
    const loaded = (await orm.everything.getById(created.id))!;
    const before = await h.snapshot();
    const row = await h.rows("SELECT * FROM Everything WHERE ID = ?", [created.id]);

    const draft = orm.everything.edit(loaded);
    draft.vc = "much too long";
    draft.i8 = 1000;
    const failed = await h.rec.step(() => orm.flush().catch((e: unknown) => e));
    expect(failed.value).toBeInstanceOf(ValidationError);
    expect(failed.value).toMatchObject({ field: "i8", value: 1000 }); // the first failure in column order
    expect(failed.events).toEqual([]);
    expect(await h.snapshot()).toEqual(before);
    expect(await h.rows("SELECT * FROM Everything WHERE ID = ?", [created.id])).toEqual(row);
    const cached = await h.rec.step(() => h.engine.newContext().everything.getById(created.id));
    expect(cached.counts).toEqual({ mysql: 0, redis: 0, local: 1 });
    expect(cached.value).toEqual(loaded);
    expect(orm.isDirty(draft)).toBe(true);

    draft.i8 = 100;
    await expect(orm.flush()).rejects.toMatchObject({ field: "vc", value: "much too long" });
    expect(await h.snapshot()).toEqual(before);
    draft.vc = "changed";
    await orm.flush();
    expect(await h.engine.newContext().everything.getById(created.id)).toMatchObject({ vc: "changed", i8: 100 });
    await h.coldCaches();
    expect(await h.engine.newContext().everything.getById(created.id)).toMatchObject({ vc: "changed", i8: 100 });
  });
});

describe("nullable fields", () => {
  const NULLABLE = [
    "flagN", "i32N", "i64N", "u64N", "f32N", "f64U", "decN", "vcN", "txtN", "dayN", "atN", "blobN", "blobM", "blobL", "colorN", "flagsN", "parentN",
  ] as const;
  const COLUMNS = NULLABLE.map((f) => `\`${f}\``).join(", ");

  async function nullColumns(id: number): Promise<string[]> {
    const [row] = await h.rows<Record<string, unknown>>(`SELECT ${COLUMNS} FROM Everything WHERE ID = ?`, [id]);
    return Object.entries(row!).filter(([, value]) => value === null).map(([column]) => column);
  }

  it("set to null or undefined pass validate() in a flush, on insert and on update, and are NULL in MySQL, Redis and the local cache", async () => {
    const orm = h.engine.newContext();
    const parent = await orm.parent.new({ name: "p" });
    const inserted = await orm.everything.new(validInput(parent.id));
    NULLABLE.forEach((field, i) => ((inserted as unknown as Record<string, unknown>)[field] = i % 2 === 0 ? null : undefined));
    await orm.flush();
    for (const field of NULLABLE) expect(inserted[field], `${field} normalised to null`).toBeNull();
    expect(await nullColumns(inserted.id)).toEqual([...NULLABLE]);

    // an update from values to null / undefined
    const withValues = await orm.everything.new({
      ...validInput(parent.id),
      flagN: true, i32N: 5, i64N: 5n, u64N: 5n, f32N: 2.5, f64U: 2.5, decN: 2.5, vcN: "v", txtN: "t",
      dayN: new Date("2024-01-01T00:00:00Z"), atN: new Date("2024-01-01T00:00:00Z"), blobN: Uint8Array.of(1), blobM: Uint8Array.of(2),
      blobL: Uint8Array.of(3), colorN: "blue", flagsN: ["b"], parentN: parent.id,
    });
    await orm.flush();
    expect(await nullColumns(withValues.id)).toEqual([]);
    const draft = orm.everything.edit((await orm.everything.getById(withValues.id))!);
    NULLABLE.forEach((field, i) => ((draft as unknown as Record<string, unknown>)[field] = i % 2 === 0 ? undefined : null));
    const { events } = await h.rec.step(() => orm.flush());
    const update = events.find((e) => e.operation === "UPDATE")!;
    expect(update.params).toEqual([...NULLABLE.map(() => null), withValues.id]);
    expect(await nullColumns(withValues.id)).toEqual([...NULLABLE]);

    for (const id of [inserted.id, withValues.id]) {
      const cached = JSON.parse((await h.redis.get(h.keys("Everything").row(id)))!) as unknown[];
      for (const field of NULLABLE) expect(cached[columnNames(everythingEntity).indexOf(field)], `Redis ${field}`).toBeNull();
      const local = await h.rec.step(() => h.engine.newContext().everything.getById(id));
      expect(local.counts.local).toBe(1);
      for (const field of NULLABLE) expect(local.value![field], `local ${field}`).toBeNull();
    }
  });
});
