import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { EnumModel, FieldType } from "../model.js";
import type { ArgumentNode, TypeNode } from "../syntax/ast.js";
import { reportUnknown, type ResolveContext } from "./context.js";
import type { Declarations } from "./declarations.js";
import { aliasOf, SCALAR_NAMES, SCALAR_TYPES, type ScalarType } from "./scalar-types.js";

/** MySQL's limits on column types (utf8mb4 varchar, DECIMAL, SET). */
const MAX_VARCHAR = 16383;
const MAX_DECIMAL_PRECISION = 65;
const MAX_DECIMAL_SCALE = 30;
const MAX_SET_MEMBERS = 64;

/** Pass 2: the type of one field, or undefined (after reporting) when it cannot be resolved. */
export function resolveFieldType(
  node: TypeNode,
  declarations: Declarations,
  enums: ReadonlyMap<string, EnumModel>,
  ctx: ResolveContext,
): FieldType | undefined {
  const name = node.name.value;
  const scalar = SCALAR_TYPES.get(name);
  if (scalar !== undefined) {
    if (node.list) {
      ctx.bag.report("E0203", node.span, `${name}[] is not a type: only an enum can be a list (a MySQL SET)`);
      return undefined;
    }
    return scalarType(name, scalar, node, ctx);
  }
  const enumModel = enums.get(name);
  const entity = declarations.entities.get(name);
  if (enumModel === undefined && entity === undefined) {
    reportUnknown(ctx, "E0201", node.name.span, `unknown type "${name}"`, () => ({
      suggestion: aliasOf(name) ?? didYouMean(name, [...SCALAR_NAMES, ...enums.keys(), ...declarations.entities.keys()]),
    }));
    return undefined;
  }
  if (node.args !== undefined) {
    ctx.bag.report("E0204", node.args[0]?.span ?? node.name.span, `${enumModel ? "enum" : "entity"} type ${name} takes no arguments`);
    return undefined;
  }
  if (enumModel === undefined) {
    if (!node.list) return { kind: "reference", entity: name };
    ctx.bag.report("E0202", node.span, `${name}[] is not a type: a field references one ${name}`, {
      notes: [
        `references are declared on the child side: give ${name} a field of this entity's type, ` +
          `and load the children with its getBy<Field> loader`,
      ],
    });
    return undefined;
  }
  if (!node.list) return { kind: "enum", enumName: name, values: enumModel.values };
  return setType(enumModel, node, ctx);
}

function setType(enumModel: EnumModel, node: TypeNode, ctx: ResolveContext): FieldType | undefined {
  const withComma = enumModel.values.find((v) => v.includes(","));
  if (enumModel.values.length > MAX_SET_MEMBERS || withComma !== undefined) {
    const reason =
      withComma !== undefined
        ? `its value "${withComma}" contains a comma, which MySQL uses to separate SET members`
        : `it has ${enumModel.values.length} values and a MySQL SET holds at most ${MAX_SET_MEMBERS}`;
    ctx.bag.report("E0207", node.span, `enum ${enumModel.name} cannot be used as a set: ${reason}`);
    return undefined;
  }
  return { kind: "set", enumName: enumModel.name, values: enumModel.values };
}

function scalarType(name: string, scalar: ScalarType, node: TypeNode, ctx: ResolveContext): FieldType | undefined {
  if (scalar.type !== undefined) {
    if (node.args === undefined) return scalar.type;
    const notes = name === "string" ? ["use varchar(n) for a string of another length"] : ["MySQL display widths are not part of the type"];
    ctx.bag.report("E0204", node.args[0]?.span ?? node.span, `${name} takes no arguments`, { notes });
    return undefined;
  }
  const numbers = typeArguments(name, scalar.args === "length" ? 1 : 2, node, ctx);
  if (numbers === undefined) return undefined;
  return scalar.args === "length" ? varcharType(numbers, node, ctx) : decimalType(numbers, node, ctx);
}

/** `varchar(n)` / `decimal(p, s)` arguments as numbers, or undefined after reporting. */
function typeArguments(name: string, maxCount: number, node: TypeNode, ctx: ResolveContext): number[] | undefined {
  const args = node.args ?? [];
  const numbers = integerArguments(args);
  if (numbers !== undefined && numbers.length >= 1 && numbers.length <= maxCount) return numbers;
  const bad = args.find((a) => a.name !== undefined || a.value.kind !== "Number" || !/^\d+$/.test(a.value.value));
  const message =
    args.length === 0
      ? `${name} needs ${maxCount === 1 ? "a length" : "a precision and a scale"}`
      : bad !== undefined
        ? `${name} arguments must be whole numbers`
        : `${name} takes ${maxCount === 1 ? "1 argument" : "at most 2 arguments"}`;
  const usage = maxCount === 1 ? "varchar(length)" : "decimal(precision, scale)";
  ctx.bag.report("E0204", bad?.span ?? node.span, message, { notes: [`usage: ${usage}`] });
  return undefined;
}

function varcharType([length = 0]: readonly number[], node: TypeNode, ctx: ResolveContext): FieldType | undefined {
  if (length >= 1 && length <= MAX_VARCHAR) return { kind: "varchar", length };
  const arg = node.args?.[0];
  const written = arg?.value.kind === "Number" ? arg.value.value : String(length);
  ctx.bag.report("E0205", arg?.span ?? node.span, `varchar length must be 1 to ${MAX_VARCHAR}, found ${written}`, {
    notes: [length > MAX_VARCHAR ? `${MAX_VARCHAR} characters is MySQL's limit for utf8mb4; use text for longer strings` : "a varchar holds at least 1 character"],
  });
  return undefined;
}

function decimalType([precision = 0, scale = 0]: readonly number[], node: TypeNode, ctx: ResolveContext): FieldType | undefined {
  const problems: string[] = [];
  if (precision < 1 || precision > MAX_DECIMAL_PRECISION) problems.push(`precision must be 1 to ${MAX_DECIMAL_PRECISION}`);
  if (scale > MAX_DECIMAL_SCALE) problems.push(`scale must be 0 to ${MAX_DECIMAL_SCALE}`);
  if (scale > precision && precision >= 1) problems.push(`scale ${scale} is larger than precision ${precision}`);
  if (problems.length === 0) return { kind: "decimal", precision, scale };
  const args = node.args ?? [];
  const written = args.map((a) => (a.value.kind === "Number" ? a.value.value : "")).join(", ");
  const first = args[0];
  const span = first === undefined ? node.span : { ...first.span, end: (args[1] ?? first).span.end };
  ctx.bag.report("E0206", span, `invalid decimal(${written}): ${problems.join("; ")}`, {
    notes: ["decimal(p, s) holds p digits, s of them after the point"],
  });
  return undefined;
}

/** The arguments as whole numbers (huge ones become Infinity), or undefined if any is not one. */
function integerArguments(args: readonly ArgumentNode[]): number[] | undefined {
  const numbers: number[] = [];
  for (const arg of args) {
    if (arg.name !== undefined || arg.value.kind !== "Number" || !/^\d+$/.test(arg.value.value)) return undefined;
    numbers.push(arg.value.value.length > 15 ? Infinity : Number(arg.value.value));
  }
  return numbers;
}
