/** `enums.ts`: every enum as a const object, a string-literal union type and an ordered values list. */
import type { OptionalKind, SourceFileStructure, StatementStructures } from "ts-morph";
import { StructureKind, VariableDeclarationKind } from "./kinds.js";
import type { EnumModel } from "../model.js";
import { enumValuesName } from "./names.js";
import { docs, fileHeader } from "./structure-helpers.js";

export interface EnumsFileInput {
  readonly enums: readonly EnumModel[];
  readonly header: string;
}

/** Builds the structure of `enums.ts`. */
export function enumsFileStructure({ enums, header }: EnumsFileInput): OptionalKind<SourceFileStructure> {
  const statements: (string | StatementStructures)[] = [fileHeader(header)];
  for (const e of enums) {
    const entries = e.values.map((v) => `${/^[A-Za-z_$][\w$]*$/.test(v) ? v : JSON.stringify(v)}: ${JSON.stringify(v)}`);
    statements.push(
      {
        kind: StructureKind.VariableStatement,
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: docs(`${e.doc ? `${e.doc}\n\n` : ""}Values of enum ${e.name}, e.g. \`${e.name}${keyOf(e.values[0]!)}\`.`),
        declarations: [{ name: e.name, initializer: `{ ${entries.join(", ")} } as const` }],
      },
      {
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: e.name,
        docs: docs(`One value of enum ${e.name}.`),
        type: `(typeof ${e.name})[keyof typeof ${e.name}]`,
      },
      {
        kind: StructureKind.VariableStatement,
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: docs(`The values of ${e.name} in schema order.`),
        declarations: [{ name: enumValuesName(e.name), type: `readonly ${e.name}[]`, initializer: `[${e.values.map((v) => JSON.stringify(v)).join(", ")}]` }],
      },
    );
  }
  return { statements };
}

function keyOf(value: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(value) ? `.${value}` : `[${JSON.stringify(value)}]`;
}
