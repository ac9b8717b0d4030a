/** Turns a unit's ts-morph structure into (unformatted) TypeScript text. */
import { type CodeBlockWriter, printStructure as printTsMorphStructure, StructureKind, type OptionalKind, type SourceFileStructure } from "ts-morph";
import { barrelFileStructure } from "./barrel-emitter.js";
import { consumerFileStructure } from "./consumer-emitter.js";
import { entityFileStructure } from "./entity-emitter.js";
import { enumsFileStructure } from "./enums-emitter.js";
import type { FileUnit } from "./plan.js";

/** The source text of a TypeScript unit (unformatted). */
export function printUnit(unit: Exclude<FileUnit, { kind: "text" }>): string {
  return printStructure(structureOf(unit));
}

function structureOf(unit: Exclude<FileUnit, { kind: "text" }>): OptionalKind<SourceFileStructure> {
  switch (unit.kind) {
    case "entity":
      return entityFileStructure(unit.input);
    case "enums":
      return enumsFileStructure(unit.input);
    case "barrel":
      return barrelFileStructure(unit.input);
    case "consumer":
      return consumerFileStructure(unit.input);
  }
}

/** Separates top-level declarations by a blank line, as a person would; runs of imports, and of re-exports, stay together. */
function spaced(structure: OptionalKind<SourceFileStructure>): OptionalKind<SourceFileStructure> {
  const statements = structure.statements;
  if (!Array.isArray(statements)) return structure;
  const out: typeof statements = [];
  let previousKind: StructureKind | undefined;
  for (const statement of statements) {
    const kind = typeof statement === "object" && statement !== null && "kind" in statement ? statement.kind : undefined;
    const grouped = kind === previousKind && (kind === StructureKind.ImportDeclaration || kind === StructureKind.ExportDeclaration);
    if (out.length > 0 && !grouped) out.push(blankLine);
    out.push(statement);
    previousKind = kind;
  }
  return { ...structure, statements: out };
}

const blankLine = (writer: CodeBlockWriter): void => {
  writer.blankLine();
};

function printStructure(structure: OptionalKind<SourceFileStructure>): string {
  return printTsMorphStructure({ ...spaced(structure), kind: StructureKind.SourceFile }, { indentNumberOfSpaces: 2 });
}
