/**
 * The per-field lines of an entity's generated methods: validation, row and cache conversion,
 * change detection and defaults. Each function returns one TypeScript expression or statement.
 */
import type { DefaultValue, FieldModel } from "../model.js";
import { setInEnumOrder } from "./table-ddl.js";
import { enumValuesName } from "./names.js";

const INT_RANGES: Record<number, [string, string, string]> = {
  8: ["-128", "127", "255"],
  16: ["-32768", "32767", "65535"],
  24: ["-8388608", "8388607", "16777215"],
  32: ["-2147483648", "2147483647", "4294967295"],
  64: ["-9223372036854775808n", "9223372036854775807n", "18446744073709551615n"],
};
const BYTES_LIMIT = { blob: "65_535", medium: "16_777_215", long: "4_294_967_295" } as const;

/** The property type in the draft interface, e.g. `string | null`. */
export function draftType(field: FieldModel): string {
  return field.nullable ? `${field.tsType} | null` : field.tsType;
}

/** The property type in the read-only entity type (arrays become read-only). */
export function readonlyType(field: FieldModel): string {
  const base = field.type.kind === "set" ? `readonly ${field.type.enumName}[]` : field.tsType;
  return field.nullable ? `${base} | null` : base;
}

/** `d.x = checkY("Entity", "x", d.x, …);` — for a nullable field only when it is not null. */
export function validateStatement(entity: string, field: FieldModel): string | undefined {
  const t = field.type;
  const head = `${JSON.stringify(entity)}, ${JSON.stringify(field.name)}, d.${field.name}`;
  let call: string;
  switch (t.kind) {
    case "id":
      return undefined;
    case "bool":
      call = `checkBool(${head})`;
      break;
    case "int": {
      const [min, max, umax] = INT_RANGES[t.bits]!;
      const range = t.unsigned ? `${t.bits === 64 ? "0n" : "0"}, ${umax}` : `${min}, ${max}`;
      call = `${t.bits === 64 ? "checkBigInt" : "checkInt"}(${head}, ${range})`;
      break;
    }
    case "float":
      call = `checkFloat(${head}, ${t.bits}, ${field.precision ?? "undefined"}, ${field.unsigned})`;
      break;
    case "decimal":
      call = `checkDecimal(${head}, ${t.precision}, ${t.scale}, ${field.unsigned})`;
      break;
    case "varchar":
      call = `checkVarchar(${head}, ${t.length})`;
      break;
    case "text":
      call = `checkText(${head})`;
      break;
    case "date":
      call = `checkDate(${head})`;
      break;
    case "datetime":
      call = `checkDateTime(${head})`;
      break;
    case "bytes":
      call = `checkBytes(${head}, ${BYTES_LIMIT[t.size]})`;
      break;
    case "enum":
      call = `checkEnum(${head}, ${enumValuesName(t.enumName)})`;
      break;
    case "set":
      call = `checkSet(${head}, ${enumValuesName(t.enumName)})`;
      break;
    case "reference":
      call = `checkReference(${head})`;
      break;
  }
  const value = `d.${field.name}`;
  return field.nullable ? `${value} = ${value} == null ? null : ${call};` : `${value} = ${call};`;
}

/** A mysql2 row value `r[i]` converted to the property type. */
export function fromRowExpression(field: FieldModel, i: number): string {
  const v = `r[${i}]`;
  const cast = ` as ${draftType(field)}`;
  switch (field.type.kind) {
    case "id":
      return `Number(${v})`;
    case "reference":
      return field.nullable ? `rowId(${v})` : `Number(${v})`;
    case "bool":
      return `rowBool(${v})${cast}`;
    case "int":
      return field.type.bits === 64 ? `rowBigInt(${v})${cast}` : `${v}${cast}`;
    case "decimal":
      return `rowNumber(${v})${cast}`;
    case "float":
      return field.type.bits === 32 ? `rowFloat32(${v})${cast}` : `${v}${cast}`;
    case "date":
      return `rowDate(${v})${cast}`;
    case "datetime":
      return `rowDateTime(${v})${cast}`;
    case "bytes":
      return `rowBytes(${v})${cast}`;
    case "set":
      return `rowSet(${v})${cast}`;
    default:
      return `${v}${cast}`;
  }
}

/** The bind value of the property. */
export function toRowExpression(field: FieldModel): string {
  const v = `e.${field.name}`;
  switch (field.type.kind) {
    case "int":
      return field.type.bits === 64 ? `bindBigInt(${v})` : v;
    case "date":
      return `bindDate(${v})`;
    case "datetime":
      return `bindDateTime(${v})`;
    case "set":
      return `bindSet(${v})`;
    default:
      return v;
  }
}

/** A condition that is true when the property differs between `a` and `b`. */
export function changedCondition(field: FieldModel): string {
  const [a, b] = [`a.${field.name}`, `b.${field.name}`];
  switch (field.type.kind) {
    case "date":
    case "datetime":
      return `!sameDate(${a}, ${b})`;
    case "bytes":
      return `!sameBytes(${a}, ${b})`;
    case "set":
      return `!sameSet(${a}, ${b})`;
    default:
      return `${a} !== ${b}`;
  }
}

/** The initial value of the property in `create()`: the input, else the default, else null. */
export function createExpression(field: FieldModel): string {
  const input = `input.${field.name}`;
  if (field.default !== undefined) return `${input} ?? ${defaultExpression(field, field.default)}`;
  if (field.nullable) return `${input} ?? null`;
  if (field.type.kind === "set") return `${input} ?? []`;
  return input;
}

/** True when `new()` may omit the property. */
export function isOptionalInput(field: FieldModel): boolean {
  return field.nullable || field.default !== undefined || field.type.kind === "set";
}

function defaultExpression(field: FieldModel, value: DefaultValue): string {
  switch (value.kind) {
    case "number":
      return field.type.kind === "int" && field.type.bits === 64 ? `${value.value}n` : value.value;
    case "bool":
      return String(value.value);
    case "enum":
      return JSON.stringify(value.value);
    case "set":
      return `[${setInEnumOrder(field, value.values).map((v) => JSON.stringify(v)).join(", ")}]`;
    case "string":
      if (field.type.kind === "date") return `new Date(${JSON.stringify(`${value.value}T00:00:00Z`)})`;
      if (field.type.kind === "datetime") return `new Date(${JSON.stringify(`${value.value.replace(" ", "T")}Z`)})`;
      return JSON.stringify(value.value);
  }
}
