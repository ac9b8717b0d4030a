/**
 * Prints the ts-morph structures the emitters build, as ts-morph's printStructure would but
 * without loading ts-morph (which loads the TypeScript compiler: about 0.3 s, on the critical path
 * of every cold run). prettier reformats the text afterwards, so only what survives formatting has
 * to match: the tokens, the comments and where blank lines fall. A test formats every unit of
 * several schemas both ways and requires identical bytes.
 *
 * Only the structure kinds and properties the emitters use are supported; any other property set
 * on a structure is an error, not silently dropped.
 */
import type {
  ClassDeclarationStructure,
  ConstructorDeclarationStructure,
  ExportDeclarationStructure,
  FunctionDeclarationStructure,
  ImportDeclarationStructure,
  InterfaceDeclarationStructure,
  JSDocStructure,
  MethodDeclarationStructure,
  OptionalKind,
  ParameterDeclarationStructure,
  PropertyDeclarationStructure,
  PropertySignatureStructure,
  SourceFileStructure,
  StatementStructures,
  TypeAliasDeclarationStructure,
  VariableStatementStructure,
} from "ts-morph";
import { StructureKind } from "./kinds.js";

type Statement = string | StatementStructures;
type Docs = readonly (OptionalKind<JSDocStructure> | string)[] | undefined;

/** The source text of a file structure (unformatted). */
export function printSourceFile(structure: OptionalKind<SourceFileStructure>): string {
  const statements = (structure.statements ?? []) as readonly Statement[];
  if (!Array.isArray(statements)) throw new Error("structure printer: statements must be an array");
  const out: string[] = [];
  let previous: StatementStructures["kind"] | undefined;
  for (const statement of statements) {
    const kind = typeof statement === "string" ? undefined : statement.kind;
    // Blank lines between top-level statements, as a person would; runs of imports, and of
    // re-exports, stay together.
    const grouped = kind === previous && (kind === StructureKind.ImportDeclaration || kind === StructureKind.ExportDeclaration);
    if (out.length > 0 && !grouped) out.push("");
    out.push(printStatement(statement));
    previous = kind;
  }
  return `${out.join("\n")}\n`;
}

function printStatement(statement: Statement): string {
  if (typeof statement === "string") return statement;
  switch (statement.kind) {
    case StructureKind.ImportDeclaration:
      return printImport(statement);
    case StructureKind.ExportDeclaration:
      return printExport(statement);
    case StructureKind.Interface:
      return printInterface(statement);
    case StructureKind.TypeAlias:
      return printTypeAlias(statement);
    case StructureKind.VariableStatement:
      return printVariableStatement(statement);
    case StructureKind.Class:
      return printClass(statement);
    case StructureKind.Function:
      return printFunction(statement);
    default:
      throw new Error(`structure printer: unsupported statement kind ${String(statement.kind)}`);
  }
}

function printImport(s: ImportDeclarationStructure): string {
  only(s, "import", ["kind", "moduleSpecifier", "namedImports"]);
  return `import { ${names(s.namedImports).join(", ")} } from ${JSON.stringify(s.moduleSpecifier)};`;
}

function printExport(s: ExportDeclarationStructure): string {
  only(s, "export", ["kind", "moduleSpecifier", "namedExports"]);
  const exported = names(s.namedExports);
  const what = exported.length === 0 ? "*" : `{ ${exported.join(", ")} }`;
  return `export ${what} from ${JSON.stringify(s.moduleSpecifier)};`;
}

function printInterface(s: InterfaceDeclarationStructure): string {
  only(s, "interface", ["kind", "name", "isExported", "extends", "docs", "properties"]);
  const extended = texts(s.extends, "interface extends");
  const head = `${exported(s.isExported)}interface ${s.name}${extended.length > 0 ? ` extends ${extended.join(", ")}` : ""} {`;
  return [jsDoc(s.docs), head, ...(s.properties ?? []).map(printPropertySignature), "}"].filter(nonEmpty).join("\n");
}

function printPropertySignature(p: OptionalKind<PropertySignatureStructure>): string {
  only(p, "property signature", ["kind", "name", "type", "hasQuestionToken", "isReadonly", "docs"]);
  return joinLines(jsDoc(p.docs), `${p.isReadonly ? "readonly " : ""}${p.name}${p.hasQuestionToken ? "?" : ""}: ${text(p.type, "property type")};`);
}

function printTypeAlias(s: TypeAliasDeclarationStructure): string {
  only(s, "type alias", ["kind", "name", "isExported", "docs", "type"]);
  return joinLines(jsDoc(s.docs), `${exported(s.isExported)}type ${s.name} = ${text(s.type, "type alias")};`);
}

function printVariableStatement(s: VariableStatementStructure): string {
  only(s, "variable statement", ["kind", "isExported", "declarationKind", "docs", "declarations"]);
  const declarations = s.declarations.map((d) => {
    only(d, "variable declaration", ["kind", "name", "type", "initializer"]);
    const type = d.type === undefined ? "" : `: ${text(d.type, "variable type")}`;
    const initializer = d.initializer === undefined ? "" : ` = ${text(d.initializer, "initializer")}`;
    return `${d.name}${type}${initializer}`;
  });
  return joinLines(jsDoc(s.docs), `${exported(s.isExported)}${s.declarationKind ?? "let"} ${declarations.join(", ")};`);
}

function printClass(s: ClassDeclarationStructure): string {
  only(s, "class", ["kind", "name", "isExported", "extends", "docs", "properties", "ctors", "methods"]);
  const head = `${exported(s.isExported)}class ${s.name ?? ""}${s.extends === undefined ? "" : ` extends ${text(s.extends, "class extends")}`} {`;
  // Members as ts-morph orders them: properties (together), then constructors, then methods, a
  // blank line between groups and between functions.
  const groups: string[] = [];
  if (s.properties !== undefined && s.properties.length > 0) groups.push(s.properties.map(printProperty).join("\n"));
  for (const ctor of s.ctors ?? []) groups.push(printConstructor(ctor));
  for (const method of s.methods ?? []) groups.push(printMethod(method));
  return [jsDoc(s.docs), head, groups.join("\n\n"), "}"].filter(nonEmpty).join("\n");
}

function printProperty(p: OptionalKind<PropertyDeclarationStructure>): string {
  only(p, "property", ["kind", "name", "isReadonly", "type", "initializer", "docs"]);
  const type = p.type === undefined ? "" : `: ${text(p.type, "property type")}`;
  const initializer = p.initializer === undefined ? "" : ` = ${text(p.initializer, "property initializer")}`;
  return joinLines(jsDoc(p.docs), `${p.isReadonly ? "readonly " : ""}${p.name}${type}${initializer};`);
}

function printConstructor(c: OptionalKind<ConstructorDeclarationStructure>): string {
  only(c, "constructor", ["kind", "parameters", "docs", "statements"]);
  return joinLines(jsDoc(c.docs), `constructor(${parameters(c.parameters)}) {`, body(c.statements), "}");
}

function printMethod(m: OptionalKind<MethodDeclarationStructure>): string {
  only(m, "method", ["kind", "name", "parameters", "returnType", "docs", "statements"]);
  return joinLines(jsDoc(m.docs), `${m.name}(${parameters(m.parameters)})${returnType(m.returnType)} {`, body(m.statements), "}");
}

function printFunction(f: FunctionDeclarationStructure): string {
  only(f, "function", ["kind", "name", "isExported", "parameters", "returnType", "docs", "statements"]);
  return joinLines(jsDoc(f.docs), `${exported(f.isExported)}function ${f.name ?? ""}(${parameters(f.parameters)})${returnType(f.returnType)} {`, body(f.statements), "}");
}

function parameters(list: readonly OptionalKind<ParameterDeclarationStructure>[] | undefined): string {
  return (list ?? [])
    .map((p) => {
      only(p, "parameter", ["kind", "name", "type", "hasQuestionToken"]);
      return `${p.name}${p.hasQuestionToken ? "?" : ""}${p.type === undefined ? "" : `: ${text(p.type, "parameter type")}`}`;
    })
    .join(", ");
}

function returnType(type: unknown): string {
  return type === undefined ? "" : `: ${text(type, "return type")}`;
}

function body(statements: unknown): string {
  if (statements === undefined) return "";
  if (typeof statements === "string") return statements;
  if (!Array.isArray(statements)) throw new Error("structure printer: function bodies must be strings");
  return statements.map((s) => text(s, "body statement")).join("\n");
}

/**
 * A TSDoc block as ts-morph prints one: `/** text *\/` for a single line, else one ` * line` per
 * line (` *` for an empty one).
 */
function jsDoc(docs: Docs): string {
  if (docs === undefined || docs.length === 0) return "";
  return docs
    .map((doc) => {
      if (typeof doc !== "string") only(doc, "JSDoc", ["kind", "description"]);
      const description = typeof doc === "string" ? doc : text(doc.description ?? "", "JSDoc description");
      const lines = description.split("\n");
      if (lines.length === 1) return `/** ${description} */`;
      return ["/**", ...lines.map((line) => (line === "" ? " *" : ` * ${line}`)), " */"].join("\n");
    })
    .join("\n");
}

function names(list: unknown): string[] {
  return texts(list, "import or export names");
}

function texts(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`structure printer: ${what} must be an array of strings`);
  return value.map((item) => text(item, what));
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`structure printer: ${what} must be a string, not ${typeof value}`);
  return value;
}

function exported(isExported: boolean | undefined): string {
  return isExported === true ? "export " : "";
}

function joinLines(...parts: string[]): string {
  return parts.filter(nonEmpty).join("\n");
}

function nonEmpty(part: string): boolean {
  return part !== "";
}

/** Throws on a property this printer does not print, rather than dropping it. */
function only(structure: object, what: string, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(structure)) {
    if (value === undefined || value === false || allowed.includes(key)) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    throw new Error(`structure printer: ${what} property "${key}" is not supported`);
  }
}
