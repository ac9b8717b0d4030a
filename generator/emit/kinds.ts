/**
 * The ts-morph enum values the emitters build structures with, as plain constants. Importing the
 * enums themselves would load ts-morph, and with it the whole TypeScript compiler (about 0.3 s of
 * every cold run), when nothing but these values is needed: structures are printed by
 * structure-printer.ts. test/unit/structure-printer.test.ts checks each value against ts-morph.
 */
import type { StructureKind as TsMorphStructureKind, VariableDeclarationKind as TsMorphVariableDeclarationKind } from "ts-morph";

export const StructureKind = {
  Class: 2 as TsMorphStructureKind.Class,
  ExportDeclaration: 11 as TsMorphStructureKind.ExportDeclaration,
  Function: 13 as TsMorphStructureKind.Function,
  ImportDeclaration: 16 as TsMorphStructureKind.ImportDeclaration,
  Interface: 19 as TsMorphStructureKind.Interface,
  JSDoc: 24 as TsMorphStructureKind.JSDoc,
  TypeAlias: 38 as TsMorphStructureKind.TypeAlias,
  VariableStatement: 41 as TsMorphStructureKind.VariableStatement,
} as const;

export const VariableDeclarationKind = {
  Const: "const" as TsMorphVariableDeclarationKind.Const,
} as const;
