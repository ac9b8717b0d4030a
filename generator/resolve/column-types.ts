import type { FieldType } from "../model.js";

const INT_NAMES = { 8: "tinyint", 16: "smallint", 24: "mediumint", 32: "int", 64: "bigint" } as const;

/** The column type as MySQL prints it, e.g. `int unsigned`, `enum('a','b')`. */
export function mysqlTypeOf(type: FieldType, unsigned: boolean): string {
  const suffix = unsigned ? " unsigned" : "";
  switch (type.kind) {
    case "id":
    case "reference":
      return "bigint unsigned";
    case "bool":
      return "tinyint(1)";
    case "int":
      return `${INT_NAMES[type.bits]}${type.unsigned ? " unsigned" : ""}`;
    case "float":
      return `${type.bits === 32 ? "float" : "double"}${suffix}`;
    case "decimal":
      return `decimal(${type.precision},${type.scale})${suffix}`;
    case "varchar":
      return `varchar(${type.length})`;
    case "text":
      return "mediumtext";
    case "date":
      return "date";
    case "datetime":
      return "datetime";
    case "bytes":
      return type.size === "blob" ? "blob" : type.size === "medium" ? "mediumblob" : "longblob";
    case "enum":
    case "set":
      return `${type.kind}(${type.values.map(quoteValue).join(",")})`;
  }
}

function quoteValue(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** The TypeScript type of the property, without `| null`. */
export function tsTypeOf(type: FieldType): string {
  switch (type.kind) {
    case "bool":
      return "boolean";
    case "int":
      return type.bits === 64 ? "bigint" : "number";
    case "varchar":
    case "text":
      return "string";
    case "date":
    case "datetime":
      return "Date";
    case "bytes":
      return "Uint8Array";
    case "enum":
      return type.enumName;
    case "set":
      return `${type.enumName}[]`;
    default:
      return "number";
  }
}

/** Bytes the column takes in an index key (utf8mb4), or undefined when it needs a prefix length. */
export function keyBytesOf(type: FieldType): number | undefined {
  switch (type.kind) {
    case "text":
    case "bytes":
      return undefined;
    case "varchar":
      return type.length * 4;
    default:
      return fixedBytesOf(type);
  }
}

/** Bytes the column takes at most in a row, as MySQL counts them against its 65,535-byte limit. */
export function rowBytesOf(type: FieldType): number {
  switch (type.kind) {
    case "varchar":
      return type.length * 4 + (type.length * 4 > 255 ? 2 : 1);
    case "text":
      return 11;
    case "bytes":
      return type.size === "blob" ? 10 : type.size === "medium" ? 11 : 12;
    default:
      return fixedBytesOf(type);
  }
}

function fixedBytesOf(type: FieldType): number {
  switch (type.kind) {
    case "bool":
      return 1;
    case "int":
      return type.bits / 8;
    case "float":
      return type.bits / 8;
    case "decimal":
      return decimalBytes(type.precision - type.scale) + decimalBytes(type.scale);
    case "date":
      return 3;
    case "datetime":
      return 5;
    case "enum":
      return type.values.length > 255 ? 2 : 1;
    case "set": {
      const bytes = Math.ceil(type.values.length / 8);
      return bytes > 4 ? 8 : Math.max(bytes, 1);
    }
    default:
      return 8;
  }
}

const LEFTOVER_DIGIT_BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

/** MySQL packs decimal digits 9 to 4 bytes, with a shorter group for the rest. */
function decimalBytes(digits: number): number {
  return Math.floor(digits / 9) * 4 + (LEFTOVER_DIGIT_BYTES[digits % 9] ?? 4);
}
