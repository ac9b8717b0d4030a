/** Turns a unit's ts-morph structure into (unformatted) TypeScript text. */
import type { OptionalKind, SourceFileStructure } from "ts-morph";
import { barrelFileStructure } from "./barrel-emitter.js";
import { consumerFileStructure } from "./consumer-emitter.js";
import { entityFileStructure } from "./entity-emitter.js";
import { enumsFileStructure } from "./enums-emitter.js";
import type { FileUnit } from "./plan.js";
import { printSourceFile } from "./structure-printer.js";

/** The source text of a TypeScript unit (unformatted). */
export function printUnit(unit: Exclude<FileUnit, { kind: "text" }>): string {
  return printSourceFile(structureOf(unit));
}

/** The ts-morph structure of a TypeScript unit. */
export function structureOf(unit: Exclude<FileUnit, { kind: "text" }>): OptionalKind<SourceFileStructure> {
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
