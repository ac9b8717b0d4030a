import type { EnumModel } from "../model.js";
import type { EnumNode } from "../syntax/ast.js";
import { fileNameOf, type ResolveContext } from "./context.js";
import type { Declarations } from "./declarations.js";

/** MySQL's limit on the length of an ENUM value. */
const MAX_VALUE_LENGTH = 255;

/** Checks every enum's values; enums with errors are still returned so fields can use them. */
export function resolveEnums(declarations: Declarations, ctx: ResolveContext): Map<string, EnumModel> {
  const enums = new Map<string, EnumModel>();
  for (const node of declarations.enums.values()) {
    enums.set(node.name.value, {
      name: node.name.value,
      values: checkValues(node, ctx),
      doc: node.doc,
      file: fileNameOf(ctx, node.span),
    });
  }
  return enums;
}

function checkValues(node: EnumNode, ctx: ResolveContext): string[] {
  if (node.values.length === 0) {
    ctx.bag.report("E0110", node.name.span, `enum "${node.name.value}" has no values`, {
      notes: ["list its values inside the braces: enum Status { active archived }"],
    });
  }
  const values: string[] = [];
  const seen = new Map<string, string>();
  for (const value of node.values) {
    const problem = valueProblem(value.value);
    if (problem !== undefined) {
      ctx.bag.report("E0112", value.span, `invalid enum value: ${problem}`);
      continue;
    }
    const key = value.value.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.bag.report("E0111", value.span, `duplicate value "${value.value}" in enum "${node.name.value}"`, {
        notes: first === value.value ? [] : [`MySQL compares enum values without case: "${first}" is the same value`],
      });
      continue;
    }
    seen.set(key, value.value);
    values.push(value.value);
  }
  return values;
}

function valueProblem(value: string): string | undefined {
  if (value.length === 0) return "it is empty (MySQL uses '' for invalid values)";
  if (/\s$/.test(value)) return `"${value}" ends with a space (MySQL strips trailing spaces)`;
  if ([...value].length > MAX_VALUE_LENGTH) return `it is longer than ${MAX_VALUE_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(value)) return "it contains a control character";
  return undefined;
}
