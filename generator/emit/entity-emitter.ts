/**
 * One file per entity: its draft, read-only and input types, its prepared SQL and its descriptor
 * (validation, row and cache converters, change detection) as straight-line code.
 */
import { createHash } from "node:crypto";
import type { ImportDeclarationStructure, OptionalKind, SourceFileStructure, StatementStructures } from "ts-morph";
import { StructureKind, VariableDeclarationKind } from "./kinds.js";
import type { EntityModel } from "../model.js";
import {
  changedCondition,
  createExpression,
  draftType,
  fromRowExpression,
  isOptionalInput,
  toRowExpression,
  validateStatement,
} from "./field-code.js";
import { descriptorName, enumValuesName, camelCase } from "./names.js";
import { entitySql, indexWhere, selectPrefix } from "./sql-emitter.js";
import { repositoryClass } from "./repository-emitter.js";
import { tableDdl } from "./table-ddl.js";
import { docs, fileHeader, helperImports, objectLiteral } from "./structure-helpers.js";

/** What an entity file depends on; the cache key of its output. */
export interface EntityFileInput {
  readonly entity: EntityModel;
  readonly header: string;
}

/** Builds the structure of `<entity>.ts`. */
export function entityFileStructure({ entity, header }: EntityFileInput): OptionalKind<SourceFileStructure> {
  const name = entity.name;
  const draft = `${name}Draft`;
  const input = `${name}Input`;
  const fields = entity.fields;
  const methods = descriptorMethods(entity);
  const repository = repositoryClass(entity);
  const repositoryCode = (repository.methods ?? []).flatMap((m) => (Array.isArray(m.statements) ? m.statements : [])).join("\n");
  const enumNames = [...new Set(fields.flatMap((f) => (f.type.kind === "enum" || f.type.kind === "set" ? [f.type.enumName] : [])))].sort();
  const statements: (string | StatementStructures)[] = [
    fileHeader(header),
    helperImports(`${methods.join("\n")}\n${repositoryCode}`, ["EntityDescriptor", "Frozen", ...(entity.log ? ["LogEntry"] : []), "OrmContext", ...(entity.log ? ["Pager"] : [])], ["Repository"]),
    ...(enumNames.length > 0
      ? [{ kind: StructureKind.ImportDeclaration, moduleSpecifier: "./enums.js", namedImports: enumNames.flatMap((e) => [`type ${e}`, enumValuesName(e)]) } satisfies ImportDeclarationStructure]
      : []),
    {
      kind: StructureKind.Interface,
      name: input,
      isExported: true,
      docs: docs(`The fields of a new ${name}; the optional ones default as the schema says.`),
      properties: fields.slice(1).map((f) => ({ name: f.name, hasQuestionToken: isOptionalInput(f), type: draftType(f), docs: docs(fieldDoc(entity, f.name)) })),
    },
    {
      kind: StructureKind.Interface,
      name: draft,
      isExported: true,
      extends: [input],
      docs: docs(`${capitalize(article(name))} ${name} being created or edited: \`orm.${camelCase(name)}.new()\` and \`edit()\` return one. It has every field of \`${input}\` (documented there), none optional.${entity.doc ? `\n\n${entity.doc}` : ""}`),
      // The id, and every field the input may leave out: a draft always has them. Their TSDoc is
      // the input's (editors show an inherited property's documentation), written once.
      properties: fields
        .filter((f, i) => i === 0 || isOptionalInput(f))
        .map((f, i) => ({ name: f.name, type: draftType(f), ...(i === 0 ? { docs: docs(fieldDoc(entity, f.name)) } : {}) })),
    },
    {
      kind: StructureKind.TypeAlias,
      name,
      isExported: true,
      docs: docs(`${capitalize(article(name))} ${name} as loaders return it: read-only, shared with the cache.${entity.doc ? `\n\n${entity.doc}` : ""}`),
      type: `Frozen<${draft}>`,
    },
    selectConstant(entity),
    sqlConstant(entity),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: docs(`How the runtime stores, caches and validates ${article(name)} ${name} (table \`${entity.table}\`).`),
      declarations: [
        {
          name: descriptorName(name),
          type: `EntityDescriptor<${draft}, ${input}>`,
          initializer: objectLiteral([...descriptorProperties(entity), ...methods]),
        },
      ],
    },
    repository,
  ];
  return { statements };
}

function fieldDoc(entity: EntityModel, fieldName: string): string {
  const field = entity.fields.find((f) => f.name === fieldName)!;
  const column = `Column \`${field.column}\` ${field.mysqlType}${field.nullable ? "" : " NOT NULL"}.`;
  if (field.type.kind === "id") return `Primary key, assigned by \`new()\` before any SQL runs. ${column}`;
  const reference = field.type.kind === "reference" ? ` The id of ${article(field.type.entity)} ${field.type.entity}.` : "";
  return field.doc ? `${field.doc}\n\n${column}${reference}` : `${column}${reference}`;
}

function sqlConstant(entity: EntityModel): StatementStructures {
  const sql = entitySql(entity);
  const body = Object.entries(sql).map(([key, text]) => `${key}: ${withSelect(entity, text)}`);
  return {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    docs: docs(`Prepared statements of \`${entity.table}\`; every value is a bound \`?\`.`),
    declarations: [{ name: `${camelCase(entity.name)}Sql`, initializer: `{\n${body.join(",\n")},\n}` }],
  };
}

/** `SELECT <every column> FROM <table>`, shared by the entity's select statements. */
function selectConstant(entity: EntityModel): StatementStructures {
  return {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: "select", initializer: JSON.stringify(selectPrefix(entity)) }],
  };
}

/** A string literal, or `select + "…"` when it starts with the shared select prefix. */
function withSelect(entity: EntityModel, text: string): string {
  const select = selectPrefix(entity);
  return text.startsWith(select) ? `select + ${JSON.stringify(text.slice(select.length))}` : JSON.stringify(text);
}

function descriptorProperties(entity: EntityModel): string[] {
  const indexes = entity.indexes.map((index) => {
    const positions = index.fields.map((name) => entity.fields.findIndex((f) => f.name === name));
    const flags = [...(index.unique ? ["unique: true"] : []), ...(index.cached ? ["cached: true"] : [])];
    return `{ ${[`name: ${JSON.stringify(index.name)}`, ...flags, `columns: [${positions.join(", ")}]`, `where: ${JSON.stringify(indexWhere(entity, index))}`].join(", ")} }`;
  });
  // Properties at their default (absent, false) are left out.
  const optional = [
    ...(entity.redisCache === undefined ? [] : [`redisCache: ${JSON.stringify(entity.redisCache)}`]),
    ...(entity.localCache === undefined ? [] : [`localCache: ${entity.localCache.limit ?? 0}`]),
    ...(entity.cacheAll ? ["cacheAll: true"] : []),
    ...(entity.log === undefined ? [] : [`logTable: { table: ${JSON.stringify(entity.log.table)}, mysqlPool: ${JSON.stringify(entity.log.mysqlPool)} }`]),
    ...(entity.fields.some((f) => f.type.kind === "bytes") ? ["hasBytes: true"] : []),
  ];
  return [
    `name: ${JSON.stringify(entity.name)}`,
    `table: ${JSON.stringify(entity.table)}`,
    `mysqlPool: ${JSON.stringify(entity.mysqlPool)}`,
    `asyncQueue: ${JSON.stringify(entity.asyncQueue)}`,
    ...optional,
    `schemaHash: ${JSON.stringify(schemaHash(entity))}`,
    `ddl: ${ddlLiteral(entity)}`,
    `sql: ${camelCase(entity.name)}Sql`,
    `indexes: [${indexes.join(", ")}]`,
  ];
}

function descriptorMethods(entity: EntityModel): string[] {
  const fields = entity.fields;
  const draft = `${entity.name}Draft`;
  const validations = fields.map((f) => validateStatement(entity.name, f)).filter((s): s is string => s !== undefined);
  const changes = fields.map((f, i) => (i === 0 ? "" : `if (${changedCondition(f)}) changed.push(${i});`)).filter((s) => s);
  const doc = (text: string): string => `/** ${text} */\n`;
  return [
    `${doc(`A draft of a new ${entity.name}: the input over the schema's defaults (what \`new()\` returns).`)}create(id, input) {\n return { id, ${fields.slice(1).map((f) => `${f.name}: ${createExpression(f)}`).join(", ")} };\n}`,
    `${doc("Checks and normalises every field in place (rounding, truncation); throws ValidationError.")}validate(d) {\n${validations.join("\n")}\n}`,
    `${doc("The row in column order, as bound to SQL and cached in Redis.")}toRow(e) {\n return [${fields.map(toRowExpression).join(", ")}];\n}`,
    `${doc("An entity from a mysql2 row or a cached row.")}fromRow(r): ${draft} {\n return { ${fields.map((f, i) => `${f.name}: ${fromRowExpression(f, i)}`).join(", ")} };\n}`,
    `${doc("Positions of the columns that differ between two versions (an update writes only those).")}changes(a, b) {\n const changed: number[] = [];\n${changes.join("\n")}\n return changed;\n}`,
  ];
}

/** The descriptor's `ddl`: `[name, type, nullable, default?]` per column, `[name, unique, columns]` per key. */
function ddlLiteral(entity: EntityModel): string {
  const { columns, keys } = tableDdl(entity);
  const literal = (value: unknown): string => JSON.stringify(value);
  return `{ columns: [${columns.map(literal).join(", ")}], keys: [${keys.map(literal).join(", ")}] }`;
}

/** Changes whenever the table's column layout changes (names, types, nullability, order). */
function schemaHash(entity: EntityModel): string {
  const layout = entity.fields.map((f) => `${f.column} ${f.mysqlType} ${f.nullable ? "NULL" : "NOT NULL"}`);
  return createHash("sha256").update(`${entity.table}\n${layout.join("\n")}`).digest("hex").slice(0, 12);
}

/** "a" or "an" before a name, by its first letter. */
function article(name: string): string {
  return /^[AEIOU]/i.test(name) ? "an" : "a";
}

function capitalize(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}
