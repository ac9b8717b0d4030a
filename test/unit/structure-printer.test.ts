/**
 * beeorm-gen prints the emitters' ts-morph structures with its own printer (structure-printer.ts)
 * so that a run never loads ts-morph and the TypeScript compiler. ts-morph's printStructure is
 * the reference: for every unit of the example schema and of the runtime test fixture, both
 * printers' texts must format to the same bytes. The kind constants must be ts-morph's values.
 */
import { fileURLToPath } from "node:url";
import {
  type CodeBlockWriter,
  type OptionalKind,
  printStructure,
  type SourceFileStructure,
  StructureKind as TsMorphStructureKind,
  VariableDeclarationKind as TsMorphVariableDeclarationKind,
} from "ts-morph";
import { describe, expect, it } from "vitest";
import { readSchemaSources } from "../../generator/cli/generate.js";
import { compileSchema } from "../../generator/compile.js";
import { createFormatter } from "../../generator/emit/format.js";
import { StructureKind, VariableDeclarationKind } from "../../generator/emit/kinds.js";
import { planFiles } from "../../generator/emit/plan.js";
import { structureOf } from "../../generator/emit/print.js";
import type { CodeUnit } from "../../generator/emit/render.js";
import { printSourceFile } from "../../generator/emit/structure-printer.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function unitsOf(schemaDir: string): CodeUnit[] {
  const { model } = compileSchema(readSchemaSources(schemaDir, ROOT));
  if (model === undefined) throw new Error(`${schemaDir} does not compile`);
  return planFiles(model, schemaDir).filter((unit): unit is CodeUnit => unit.kind !== "text");
}

/** ts-morph's own printing, with a blank line between top-level statements but in runs of imports or re-exports. */
function printWithTsMorph(structure: OptionalKind<SourceFileStructure>): string {
  const statements = structure.statements as readonly (string | { kind: number })[];
  const spaced: unknown[] = [];
  let previous: number | undefined;
  for (const statement of statements) {
    const kind = typeof statement === "string" ? undefined : statement.kind;
    const grouped = kind === previous && (kind === TsMorphStructureKind.ImportDeclaration || kind === TsMorphStructureKind.ExportDeclaration);
    if (spaced.length > 0 && !grouped) spaced.push((writer: CodeBlockWriter) => writer.blankLine());
    spaced.push(statement);
    previous = kind;
  }
  return printStructure({ ...structure, statements: spaced as SourceFileStructure["statements"], kind: TsMorphStructureKind.SourceFile }, { indentNumberOfSpaces: 2 });
}

describe("structure printer", () => {
  it("its kind constants are ts-morph's enum values", () => {
    for (const [name, value] of Object.entries(StructureKind)) expect(value, name).toBe(TsMorphStructureKind[name as keyof typeof TsMorphStructureKind]);
    expect(VariableDeclarationKind.Const).toBe(TsMorphVariableDeclarationKind.Const);
  });

  it.each(["schema", "test/fixtures/matrix"])("every unit of %s formats to the same bytes as ts-morph's printing", async (dir) => {
    const format = await createFormatter("babel-ts");
    const units = unitsOf(dir);
    expect(units.map((u) => u.kind)).toEqual(expect.arrayContaining(["entity", "enums", "barrel", "consumer"]));
    for (const unit of units) {
      const structure = structureOf(unit);
      const ours = await format(printSourceFile(structure));
      expect(ours, unit.path).toBe(await format(printWithTsMorph(structure)));
    }
  });

  it("refuses a structure property it does not print instead of dropping it", () => {
    const structure = { statements: [{ kind: StructureKind.Class, name: "A", isAbstract: true }] } as OptionalKind<SourceFileStructure>;
    expect(() => printSourceFile(structure)).toThrow('structure printer: class property "isAbstract" is not supported');
    const unknownKind = { statements: [{ kind: TsMorphStructureKind.Enum, name: "E" }] } as OptionalKind<SourceFileStructure>;
    expect(() => printSourceFile(unknownKind)).toThrow(`structure printer: unsupported statement kind ${TsMorphStructureKind.Enum}`);
  });
});
