import type { FieldType } from "../model.js";

/** How a scalar type takes arguments. */
export type ScalarArguments = "none" | "length" | "precision-scale";

/** A built-in type of the DSL. */
export interface ScalarType {
  readonly args: ScalarArguments;
  /** The type when it takes no arguments. */
  readonly type?: FieldType;
}

const int = (bits: 8 | 16 | 24 | 32 | 64, unsigned: boolean): ScalarType => ({
  args: "none",
  type: { kind: "int", bits, unsigned },
});

/** Every scalar type by its DSL name. */
export const SCALAR_TYPES: ReadonlyMap<string, ScalarType> = new Map<string, ScalarType>([
  ["bool", { args: "none", type: { kind: "bool" } }],
  ["int8", int(8, false)],
  ["int16", int(16, false)],
  ["int24", int(24, false)],
  ["int32", int(32, false)],
  ["int64", int(64, false)],
  ["uint8", int(8, true)],
  ["uint16", int(16, true)],
  ["uint24", int(24, true)],
  ["uint32", int(32, true)],
  ["uint64", int(64, true)],
  ["float32", { args: "none", type: { kind: "float", bits: 32 } }],
  ["float64", { args: "none", type: { kind: "float", bits: 64 } }],
  ["decimal", { args: "precision-scale" }],
  ["varchar", { args: "length" }],
  ["string", { args: "none", type: { kind: "varchar", length: 255 } }],
  ["text", { args: "none", type: { kind: "text" } }],
  ["date", { args: "none", type: { kind: "date" } }],
  ["datetime", { args: "none", type: { kind: "datetime" } }],
  ["bytes", { args: "none", type: { kind: "bytes", size: "blob" } }],
]);

/** Scalar type names, for reserved-name checks and suggestions. */
export const SCALAR_NAMES: ReadonlySet<string> = new Set(SCALAR_TYPES.keys());

/** Names from MySQL, Prisma or TypeScript that people write for a DSL type. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ["int", "int32"],
  ["integer", "int32"],
  ["uint", "uint32"],
  ["tinyint", "int8"],
  ["smallint", "int16"],
  ["mediumint", "int24"],
  ["bigint", "int64"],
  ["boolean", "bool"],
  ["float", "float32"],
  ["double", "float64"],
  ["number", "float64"],
  ["char", "varchar"],
  ["str", "string"],
  ["mediumtext", "text"],
  ["longtext", "text"],
  ["timestamp", "datetime"],
  ["blob", "bytes"],
]);

/** The DSL type people usually mean by a foreign type name, e.g. `int` → `int32`. */
export function aliasOf(name: string): string | undefined {
  return ALIASES.get(name.toLowerCase());
}

/** How a resolved type is written in the DSL, e.g. `varchar(100)`, `uint32`, `Tag[]`. */
export function typeLabel(type: FieldType): string {
  switch (type.kind) {
    case "int":
      return `${type.unsigned ? "u" : ""}int${type.bits}`;
    case "float":
      return `float${type.bits}`;
    case "decimal":
      return `decimal(${type.precision}, ${type.scale})`;
    case "varchar":
      return `varchar(${type.length})`;
    case "enum":
      return type.enumName;
    case "set":
      return `${type.enumName}[]`;
    case "reference":
      return type.entity;
    default:
      return type.kind;
  }
}

/** The signed twin of an unsigned int type or vice versa, e.g. `int32` → `uint32`. */
export function unsignedName(type: FieldType): string | undefined {
  return type.kind === "int" ? `uint${type.bits}` : undefined;
}
