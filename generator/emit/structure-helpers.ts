/** Small builders shared by the ts-morph emitters. */
import { StructureKind, type ImportDeclarationStructure, type JSDocStructure } from "ts-morph";

/** Runtime functions generated code may call; imported only when used. */
const RUNTIME_HELPERS = [
  "bindBigInt", "bindDate", "bindDateTime", "bindSet",
  "checkBigInt", "checkBool", "checkBytes", "checkDate", "checkDateTime", "checkDecimal", "checkEnum", "checkFloat",
  "checkInt", "checkReference", "checkSet", "checkText", "checkVarchar",
  "rowBigInt", "rowBool", "rowBytes", "rowDate", "rowDateTime", "rowFloat32", "rowId", "rowNumber", "rowSet",
  "sameBytes", "sameDate", "sameSet",
];

/** A TSDoc block with `text` as its description. */
export function docs(text: string): JSDocStructure[] {
  return [{ kind: StructureKind.JSDoc, description: text }];
}

/** `import { type …, … } from "beeorm/runtime"` for `types`, `values` and the helpers `code` calls. */
export function helperImports(code: string, types: readonly string[], values: readonly string[] = []): ImportDeclarationStructure {
  const used = RUNTIME_HELPERS.filter((name) => code.includes(`${name}(`));
  const named = [...types.map((t) => `type ${t}`), ...values, ...used];
  return { kind: StructureKind.ImportDeclaration, moduleSpecifier: "beeorm/runtime", namedImports: named };
}

/** An object literal from `key: value` / method members. */
export function objectLiteral(members: readonly string[]): string {
  return `{\n${members.join(",\n")}\n}`;
}
