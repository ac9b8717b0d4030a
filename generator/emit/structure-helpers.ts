/** Small builders shared by the ts-morph emitters. */
import type { ImportDeclarationStructure, JSDocStructure } from "ts-morph";
import { StructureKind } from "./kinds.js";

/** Runtime functions generated code may call; imported only when used. */
const RUNTIME_HELPERS = [
  "bindBigInt", "bindDate", "bindDateTime", "bindSet",
  "checkBigInt", "checkBool", "checkBytes", "checkDate", "checkDateTime", "checkDecimal", "checkEnum", "checkFloat",
  "checkInt", "checkReference", "checkSet", "checkText", "checkVarchar",
  "rowBigInt", "rowBool", "rowBytes", "rowDate", "rowDateTime", "rowFloat32", "rowId", "rowNumber", "rowSet",
  "sameBytes", "sameDate", "sameSet",
];

/**
 * The first lines of every generated TypeScript file. Like Prisma's client, the files are
 * `@ts-nocheck`: an application's build reads their types but does not check their bodies again,
 * which would cost it about 5 ms per entity. beeorm-gen's own tests check them (strict,
 * noUncheckedIndexedAccess), and an engine refuses generated code made for another runtime
 * (SchemaDescriptor.runtimeApi), so skipping the check hides nothing.
 */
export function fileHeader(header: string): string {
  return `// ${header}\n// @ts-nocheck: type-checked by beeorm-gen's tests; your build needs only its types.`;
}

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
