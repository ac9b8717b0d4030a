import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { DefaultValue, FieldType } from "../model.js";
import type { ValueNode } from "../syntax/ast.js";
import { valueLabel } from "./attribute-args.js";
import type { ResolveContext } from "./context.js";
import { typeLabel } from "./scalar-types.js";

const FLOAT32_MAX = 3.4028234663852886e38;

/** Checks `@default(value)` against the field's type; undefined (after reporting) when it does not fit. */
export function checkDefault(value: ValueNode, type: FieldType, unsigned: boolean, ctx: ResolveContext): DefaultValue | undefined {
  const label = typeLabel(type);
  const wrongKind = (expected: string, notes: string[] = []): undefined => {
    if (value.kind === "Identifier" && value.value === "null") notes = ["a nullable field defaults to NULL already; remove @default"];
    ctx.bag.report("E0401", value.span, `default of ${label} must be ${expected}, found ${valueLabel(value)}`, { notes });
    return undefined;
  };
  const outOfRange = (message: string, notes: string[] = []): undefined => {
    ctx.bag.report("E0402", value.span, message, { notes });
    return undefined;
  };
  switch (type.kind) {
    case "bool":
      if (value.kind === "Identifier" && (value.value === "true" || value.value === "false")) {
        return { kind: "bool", value: value.value === "true" };
      }
      return wrongKind("true or false");
    case "int": {
      if (value.kind !== "Number" || !/^-?\d+$/.test(value.value)) return wrongKind("a whole number");
      const n = BigInt(value.value);
      const [min, max] = intRange(type.bits, type.unsigned);
      if (n < min || n > max) return outOfRange(`default ${value.value} is out of range for ${label} (${min} to ${max})`);
      return { kind: "number", value: n.toString() };
    }
    case "float": {
      if (value.kind !== "Number") return wrongKind("a number");
      const n = Number(value.value);
      const max = type.bits === 32 ? FLOAT32_MAX : Number.MAX_VALUE;
      if (!Number.isFinite(n) || Math.abs(n) > max) return outOfRange(`default ${value.value} is out of range for ${label}`);
      if (unsigned && n < 0) return outOfRange(`default ${value.value} is negative, but the field is @unsigned`);
      return { kind: "number", value: value.value };
    }
    case "decimal":
      if (value.kind !== "Number") return wrongKind("a number");
      return checkDecimal(value.value, type.precision, type.scale, unsigned, value, ctx);
    case "varchar": {
      if (value.kind !== "String") return wrongKind("a string", ['write the value in double quotes, e.g. @default("PL")']);
      const length = [...value.value].length;
      if (length > type.length) return outOfRange(`default is ${length} characters long; ${label} holds ${type.length}`);
      return { kind: "string", value: value.value };
    }
    case "date":
    case "datetime": {
      if (value.kind !== "String") return wrongKind(type.kind === "date" ? 'a string "YYYY-MM-DD"' : 'a string "YYYY-MM-DD HH:MM:SS"');
      const problem = dateProblem(value.value, type.kind);
      if (problem === undefined) return { kind: "string", value: value.value };
      ctx.bag.report("E0405", value.span, `invalid ${type.kind} default "${value.value}": ${problem}`);
      return undefined;
    }
    case "enum": {
      if (value.kind !== "Identifier" && value.kind !== "String") return wrongKind("one of its values");
      return checkMember(value.value, value, type.enumName, type.values, ctx) ? { kind: "enum", value: value.value } : undefined;
    }
    case "set": {
      if (value.kind !== "Array") return wrongKind("a list of its values", [`a set default is a list, e.g. @default([${type.values[0] ?? "value"}])`]);
      return checkSetDefault(value.elements, type.enumName, type.values, ctx);
    }
    default:
      ctx.bag.report("E0404", value.span, `${type.kind === "reference" ? "a reference" : label} cannot have a default`, {
        notes: type.kind === "reference" ? ["a default would point every new row at one fixed id"] : ["MySQL does not allow a literal default on TEXT and BLOB columns"],
      });
      return undefined;
  }
}

function checkSetDefault(elements: readonly ValueNode[], enumName: string, values: readonly string[], ctx: ResolveContext): DefaultValue | undefined {
  const members: string[] = [];
  let ok = true;
  for (const element of elements) {
    if (element.kind !== "Identifier" && element.kind !== "String") {
      ctx.bag.report("E0401", element.span, `a set default lists values of ${enumName}, found ${valueLabel(element)}`);
      ok = false;
    } else if (!checkMember(element.value, element, enumName, values, ctx)) {
      ok = false;
    } else if (members.includes(element.value)) {
      ctx.bag.report("W0402", element.span, `"${element.value}" is listed twice in the default`);
    } else {
      members.push(element.value);
    }
  }
  return ok ? { kind: "set", values: members } : undefined;
}

function checkMember(member: string, node: ValueNode, enumName: string, values: readonly string[], ctx: ResolveContext): boolean {
  if (values.includes(member)) return true;
  ctx.bag.report("E0403", node.span, `"${member}" is not a value of enum ${enumName}`, {
    suggestion: didYouMean(member, values),
    notes: [`${enumName} values: ${values.slice(0, 10).join(", ")}${values.length > 10 ? ", …" : ""}`],
  });
  return false;
}

function checkDecimal(text: string, precision: number, scale: number, unsigned: boolean, node: ValueNode, ctx: ResolveContext): DefaultValue | undefined {
  const [whole = "", fraction = ""] = text.replace(/^-/, "").split(".");
  const integerDigits = whole.replace(/^0+/, "").length;
  if (integerDigits > precision - scale) {
    ctx.bag.report("E0402", node.span, `default ${text} has ${integerDigits} digits before the point; decimal(${precision}, ${scale}) holds ${precision - scale}`);
    return undefined;
  }
  if (unsigned && text.startsWith("-") && /[1-9]/.test(text)) {
    ctx.bag.report("E0402", node.span, `default ${text} is negative, but the field is @unsigned`);
    return undefined;
  }
  if (fraction.length > scale) {
    ctx.bag.report("W0401", node.span, `default ${text} has ${fraction.length} digits after the point; it will be rounded to ${scale}`);
  }
  return { kind: "number", value: text };
}

/** The range of an int type, as bigints. */
function intRange(bits: number, unsigned: boolean): [bigint, bigint] {
  const size = 1n << BigInt(bits);
  return unsigned ? [0n, size - 1n] : [-(size >> 1n), (size >> 1n) - 1n];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function dateProblem(text: string, kind: "date" | "datetime"): string | undefined {
  const match = (kind === "date" ? DATE : DATETIME).exec(text);
  if (match === null) return `expected ${kind === "date" ? "YYYY-MM-DD" : "YYYY-MM-DD HH:MM:SS"}`;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number) as number[];
  if (year === undefined || month === undefined || day === undefined) return "not a date";
  if (year < 1000) return "MySQL dates start at year 1000";
  if (month < 1 || month > 12) return `there is no month ${month}`;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return `${year}-${String(month).padStart(2, "0")} has no day ${day}`;
  if (hour > 23 || minute > 59 || second > 59) return "the time is not valid";
  return undefined;
}
