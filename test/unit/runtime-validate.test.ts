import { describe, expect, it } from "vitest";
import {
  checkBigInt,
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

function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

describe("field checks", () => {
  it("rejects null for NOT NULL columns and passes it for nullable ones", () => {
    const error = rejection(() => checkVarchar("Product", "title", null, 10, false));
    expect(error.message).toBe("Product.title: null is invalid: must not be null");
    expect([error.entity, error.field, error.value, error.rule]).toEqual(["Product", "title", null, "must not be null"]);
    expect(checkVarchar("Product", "title", undefined, 10, true)).toBeNull();
  });

  it("counts varchar length in characters, not UTF-16 units or bytes", () => {
    expect(checkVarchar("E", "f", "😀😀😀", 3, false)).toBe("😀😀😀");
    expect(rejection(() => checkVarchar("E", "f", "abcd", 3, false)).message).toBe('E.f: "abcd" is invalid: must be at most 3 characters');
    expect(checkText("E", "f", "ż".repeat(1000), false)).toHaveLength(1000);
  });

  it("checks integer ranges, including 64-bit ones as bigint", () => {
    expect(checkInt("E", "f", 255, 0, 255, false)).toBe(255);
    expect(rejection(() => checkInt("E", "f", 256, 0, 255, false)).rule).toBe("must be an integer from 0 to 255");
    expect(rejection(() => checkInt("E", "f", 1.5, 0, 255, false)).rule).toBe("must be an integer from 0 to 255");
    expect(checkBigInt("E", "f", 18446744073709551615n, 0n, 18446744073709551615n, false)).toBe(18446744073709551615n);
    expect(checkBigInt("E", "f", 7, 0n, 10n, false)).toBe(7n);
    expect(rejection(() => checkBigInt("E", "f", -1n, 0n, 10n, false)).rule).toBe("must be a bigint from 0 to 10");
    expect(rejection(() => checkReference("E", "f", 0, false)).rule).toBe("must be an id from 1 to 9007199254740991");
  });

  it("rounds decimals to their scale and rejects too many integer digits", () => {
    expect(checkDecimal("E", "price", 9.999, 10, 2, true, false)).toBe(10);
    expect(checkDecimal("E", "price", 1.005, 10, 2, false, false)).toBe(1.01);
    expect(checkDecimal("E", "price", -2.345, 10, 2, false, false)).toBe(-2.35);
    expect(rejection(() => checkDecimal("E", "price", 123.4, 4, 2, false, false)).rule).toBe(
      "must have at most 2 digits before the decimal point",
    );
    expect(rejection(() => checkDecimal("E", "price", -1, 10, 2, true, false)).rule).toBe("must not be negative");
  });

  it("rounds floats to their precision and rejects non-finite values", () => {
    expect(checkFloat("E", "f", 1.23456, 64, 3, false, false)).toBe(1.235);
    expect(checkFloat("E", "f", 1.23456, 64, undefined, false, false)).toBe(1.23456);
    expect(rejection(() => checkFloat("E", "f", Number.NaN, 64, undefined, false, false)).rule).toBe("must be a finite number");
    expect(rejection(() => checkFloat("E", "f", 1e39, 32, undefined, false, false)).rule).toBe("is out of range for float");
  });

  it("truncates dates to the UTC day and datetimes to the second", () => {
    expect(checkDate("E", "f", new Date("2024-05-06T23:59:59.999Z"), false)).toEqual(new Date("2024-05-06T00:00:00Z"));
    expect(checkDateTime("E", "f", new Date("2024-05-06T10:11:12.345Z"), false)).toEqual(new Date("2024-05-06T10:11:12Z"));
    expect(rejection(() => checkDate("E", "f", new Date("nope"), false)).rule).toBe("must be a valid Date");
    expect(rejection(() => checkDateTime("E", "f", new Date("0999-12-31T00:00:00Z"), false)).rule).toBe("must be from year 1000 to 9999");
  });

  it("checks enum and set membership; sets come back deduplicated in schema order", () => {
    const values = ["new", "sale", "eco"] as const;
    expect(checkEnum("E", "f", "sale", values, false)).toBe("sale");
    expect(rejection(() => checkEnum("E", "f", "old", values, false)).rule).toBe('must be one of "new", "sale", "eco"');
    expect(checkSet("E", "f", ["eco", "new", "eco"], values, false)).toEqual(["new", "eco"]);
    expect(rejection(() => checkSet("E", "f", ["new", "x"], values, false)).rule).toBe('members must be among "new", "sale", "eco"');
  });

  it("limits bytes to the blob size", () => {
    expect(checkBytes("E", "f", new Uint8Array(3), 3, false)).toHaveLength(3);
    expect(rejection(() => checkBytes("E", "f", new Uint8Array(4), 3, false)).rule).toBe("must be at most 3 bytes");
    expect(rejection(() => checkBytes("E", "f", "abc", 3, false)).rule).toBe("must be a Uint8Array");
  });
});
