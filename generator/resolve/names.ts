import type { Span } from "../syntax/span.js";
import type { ResolveContext } from "./context.js";

/** MySQL's limit on table, column and index names, in characters. */
const MAX_IDENTIFIER_LENGTH = 64;

/** Reports a table, column or index name MySQL would reject; true when it is fine. */
export function checkIdentifier(name: string, what: "table" | "column" | "index", span: Span, ctx: ResolveContext): boolean {
  const problem =
    name.length === 0
      ? "it is empty"
      : /\s$/.test(name)
        ? "it ends with a space"
        : /[\u0000-\u001f\u007f]/.test(name)
          ? "it contains a control character"
          : undefined;
  if (problem !== undefined) {
    ctx.bag.report("E0310", span, `invalid ${what} name "${name}": ${problem}`);
    return false;
  }
  const length = [...name].length;
  if (length > MAX_IDENTIFIER_LENGTH) {
    ctx.bag.report("E0311", span, `${what} name "${name}" is ${length} characters long; MySQL allows ${MAX_IDENTIFIER_LENGTH}`);
    return false;
  }
  return true;
}
