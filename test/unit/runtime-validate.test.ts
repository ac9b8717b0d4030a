import { describe, expect, it } from "vitest";
import { ValidationError as GeneratedValidationError } from "beeorm/runtime";
import {
  checkBigInt,
  checkBool,
  checkBytes,
  checkDate,
  checkDateTime,
  checkDecimal,
  checkEnum,
  checkFloat,
  checkInt,
  checkReference,
  checkSet,
  checkText,
  checkVarchar,
  ValidationError,
} from "../../runtime/index.js";
import { everythingEntity, type EverythingDraft } from "../fixtures/matrix/generated/index.js";

function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

/** Every check, called with `value` and otherwise valid arguments. */
const CHECKS: [string, (value: unknown) => unknown][] = [
  ["checkBool", (v) => checkBool("E", "f", v)],
  ["checkInt", (v) => checkInt("E", "f", v, 0, 255)],
  ["checkBigInt", (v) => checkBigInt("E", "f", v, 0n, 10n)],
  ["checkReference", (v) => checkReference("E", "f", v)],
  ["checkFloat", (v) => checkFloat("E", "f", v, 64, 2, false)],
  ["checkDecimal", (v) => checkDecimal("E", "f", v, 10, 2, false)],
  ["checkVarchar", (v) => checkVarchar("E", "f", v, 10)],
  ["checkText", (v) => checkText("E", "f", v)],
  ["checkBytes", (v) => checkBytes("E", "f", v, 10)],
  ["checkDate", (v) => checkDate("E", "f", v)],
  ["checkDateTime", (v) => checkDateTime("E", "f", v)],
  ["checkEnum", (v) => checkEnum("E", "f", v, ["a", "b"])],
  ["checkSet", (v) => checkSet("E", "f", v, ["a", "b"])],
];

describe("field checks", () => {
  it("rejects null and undefined with \"must not be null\" (nullable fields are skipped by the generated validate(), not by the checks)", () => {
    const error = rejection(() => checkVarchar("Product", "title", null, 10));
    expect(error.message).toBe("Product.title: null is invalid: must not be null");
    expect([error.entity, error.field, error.value, error.rule]).toEqual(["Product", "title", null, "must not be null"]);
    const missing = rejection(() => checkVarchar("Product", "title", undefined, 10));
    expect(missing.message).toBe("Product.title: undefined is invalid: must not be null");
    expect([missing.entity, missing.field, missing.value, missing.rule]).toEqual(["Product", "title", undefined, "must not be null"]);
  });

  it.each(CHECKS)("%s rejects null and undefined", (_name, check) => {
    for (const value of [null, undefined]) {
      const error = rejection(() => check(value));
      expect([error.entity, error.field, error.value, error.rule]).toEqual(["E", "f", value, "must not be null"]);
    }
  });

  it("accepts booleans only for bool", () => {
    expect(checkBool("E", "f", false)).toBe(false);
    expect(rejection(() => checkBool("E", "f", 1)).rule).toBe("must be a boolean");
  });

  it("counts varchar length in characters, not UTF-16 units or bytes", () => {
    expect(checkVarchar("E", "f", "😀😀😀", 3)).toBe("😀😀😀");
    expect(rejection(() => checkVarchar("E", "f", "abcd", 3)).message).toBe('E.f: "abcd" is invalid: must be at most 3 characters');
    expect(checkText("E", "f", "ż".repeat(1000))).toHaveLength(1000);
  });

  it("checks integer ranges, including 64-bit ones as bigint", () => {
    expect(checkInt("E", "f", 255, 0, 255)).toBe(255);
    expect(rejection(() => checkInt("E", "f", 256, 0, 255)).rule).toBe("must be an integer from 0 to 255");
    expect(rejection(() => checkInt("E", "f", 1.5, 0, 255)).rule).toBe("must be an integer from 0 to 255");
    expect(checkBigInt("E", "f", 18446744073709551615n, 0n, 18446744073709551615n)).toBe(18446744073709551615n);
    expect(checkBigInt("E", "f", 7, 0n, 10n)).toBe(7n);
    expect(rejection(() => checkBigInt("E", "f", -1n, 0n, 10n)).rule).toBe("must be a bigint from 0 to 10");
    expect(rejection(() => checkReference("E", "f", 0)).rule).toBe("must be an id from 1 to 9007199254740991");
  });

  it("rounds decimals to their scale and rejects too many integer digits", () => {
    expect(checkDecimal("E", "price", 9.999, 10, 2, true)).toBe(10);
    expect(checkDecimal("E", "price", 1.005, 10, 2, false)).toBe(1.01);
    expect(checkDecimal("E", "price", -2.345, 10, 2, false)).toBe(-2.35);
    expect(rejection(() => checkDecimal("E", "price", 123.4, 4, 2, false)).rule).toBe(
      "must have at most 2 digits before the decimal point",
    );
    expect(rejection(() => checkDecimal("E", "price", -1, 10, 2, true)).rule).toBe("must not be negative");
  });

  it("rounds floats to their precision and rejects non-finite values", () => {
    expect(checkFloat("E", "f", 1.23456, 64, 3, false)).toBe(1.235);
    expect(checkFloat("E", "f", 1.23456, 64, undefined, false)).toBe(1.23456);
    expect(rejection(() => checkFloat("E", "f", Number.NaN, 64, undefined, false)).rule).toBe("must be a finite number");
    expect(rejection(() => checkFloat("E", "f", 1e39, 32, undefined, false)).rule).toBe("is out of range for float");
  });

  it("truncates dates to the UTC day and datetimes to the second", () => {
    expect(checkDate("E", "f", new Date("2024-05-06T23:59:59.999Z"))).toEqual(new Date("2024-05-06T00:00:00Z"));
    expect(checkDateTime("E", "f", new Date("2024-05-06T10:11:12.345Z"))).toEqual(new Date("2024-05-06T10:11:12Z"));
    expect(rejection(() => checkDate("E", "f", new Date("nope"))).rule).toBe("must be a valid Date");
    expect(rejection(() => checkDateTime("E", "f", new Date("0999-12-31T00:00:00Z"))).rule).toBe("must be from year 1000 to 9999");
  });

  it("checks enum and set membership; sets come back deduplicated in schema order", () => {
    const values = ["new", "sale", "eco"] as const;
    expect(checkEnum("E", "f", "sale", values)).toBe("sale");
    expect(rejection(() => checkEnum("E", "f", "old", values)).rule).toBe('must be one of "new", "sale", "eco"');
    expect(checkSet("E", "f", ["eco", "new", "eco"], values)).toEqual(["new", "eco"]);
    expect(rejection(() => checkSet("E", "f", ["new", "x"], values)).rule).toBe('members must be among "new", "sale", "eco"');
  });

  it("limits bytes to the blob size", () => {
    expect(checkBytes("E", "f", new Uint8Array(3), 3)).toHaveLength(3);
    expect(rejection(() => checkBytes("E", "f", new Uint8Array(4), 3)).rule).toBe("must be at most 3 bytes");
    expect(rejection(() => checkBytes("E", "f", "abc", 3)).rule).toBe("must be a Uint8Array");
  });
});

describe("the generated validate() of an entity (Everything of the test fixture)", () => {
  const NULLABLE = [
    "flagN", "i32N", "i64N", "u64N", "f32N", "f64U", "decN", "vcN", "txtN", "dayN", "atN", "blobN", "blobM", "blobL", "colorN", "flagsN", "parentN",
  ] as const;

  function draft(): EverythingDraft {
    return everythingEntity.create(1, {
      flag: true, i8: 1, i16: 1, i24: 1, i32: 1, i64: 1n, u8: 1, u16: 1, u24: 1, u32: 1, u64: 1n, f32: 1.5, f64: 1.5, f64Raw: 1.5,
      dec: 1.5, decU: 1.5, vc: "ok", str: "ok", txt: "ok", day: new Date("2024-01-02T00:00:00Z"), at: new Date("2024-01-02T03:04:05Z"),
      createdAt: new Date("2024-01-02T03:04:05Z"), blob: Uint8Array.of(1), flags: ["a"], parent: 7,
    });
  }

  function generatedRejection(d: EverythingDraft): GeneratedValidationError {
    try {
      everythingEntity.validate(d);
    } catch (error) {
      expect(error).toBeInstanceOf(GeneratedValidationError);
      return error as GeneratedValidationError;
    }
    throw new Error("expected a ValidationError");
  }

  it("passes every nullable field left out, set to null or to undefined, and stores it as null", () => {
    const omitted = draft();
    for (const field of NULLABLE) expect(omitted[field], field).toBeNull();
    everythingEntity.validate(omitted);
    for (const field of NULLABLE) expect(omitted[field], field).toBeNull();

    const nulls = draft();
    const undefs = draft();
    for (const field of NULLABLE) {
      (nulls as unknown as Record<string, unknown>)[field] = null;
      (undefs as unknown as Record<string, unknown>)[field] = undefined;
    }
    everythingEntity.validate(nulls);
    everythingEntity.validate(undefs);
    for (const field of NULLABLE) {
      expect(nulls[field], field).toBeNull();
      expect(undefs[field], `${field} (undefined is normalised to null)`).toBeNull();
    }
  });

  it("still rejects null in NOT NULL fields, and checks a nullable field's value when it is set", () => {
    const d = draft();
    d.vc = null as unknown as string;
    expect(generatedRejection(d)).toMatchObject({ entity: "Everything", field: "vc", value: null, rule: "must not be null" });

    const long = draft();
    long.vcN = "x".repeat(11);
    expect(generatedRejection(long)).toMatchObject({ entity: "Everything", field: "vcN", rule: "must be at most 10 characters" });

    const rounded = draft();
    rounded.decN = 1.23456;
    rounded.flagsN = ["c", "a", "c"];
    everythingEntity.validate(rounded);
    expect(rounded.decN).toBe(1.2346);
    expect(rounded.flagsN).toEqual(["a", "c"]);
  });
});
