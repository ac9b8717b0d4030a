/**
 * The repository class of an entity (`orm.category`): the runtime's Repository with one typed
 * loader per index, each with TSDoc, an example and the SQL it runs on a cache miss.
 */
import type { ClassDeclarationStructure, MethodDeclarationStructure, OptionalKind } from "ts-morph";
import { StructureKind } from "./kinds.js";
import type { EntityModel, FieldModel, IndexModel } from "../model.js";
import { draftType } from "./field-code.js";
import { camelCase, descriptorName, pascalCase } from "./names.js";
import { indexSelectIds } from "./sql-emitter.js";
import { docs } from "./structure-helpers.js";

/** The repository class structure; loaders refer to indexes by their position in the descriptor. */
export function repositoryClass(entity: EntityModel): ClassDeclarationStructure {
  const name = entity.name;
  const orm = `orm.${camelCase(name)}`;
  return {
    kind: StructureKind.Class,
    name: `${name}Repository`,
    isExported: true,
    extends: `Repository<${name}Draft, ${name}Input, ${name}>`,
    docs: docs(
      `Creates, edits, deletes and loads ${name} entities; reach it as \`${orm}\`.\n\n` +
        `Inherited: \`new\`, \`edit\`, \`copy\`, \`delete\`, \`getById\`, \`getByIds\`, \`getAll\`, \`search\`, \`searchIds\`, \`searchOne\`, \`count\`.\n\n` +
        `@example\n\`\`\`ts\nconst ${camelCase(name)} = await ${orm}.getById(1);\n\`\`\``,
    ),
    ctors: [
      {
        parameters: [{ name: "context", type: "OrmContext" }],
        docs: docs(`Called by the generated \`Orm\` context; use \`${orm}\`.`),
        statements: [`super(context, ${descriptorName(name)});`],
      },
    ],
    methods: [...entity.indexes.map((index, position) => loader(entity, index, position)), ...(entity.log ? [logReader(entity)] : [])],
  };
}

/** `getLogs(id)` of an `@log` entity. */
function logReader(entity: EntityModel): OptionalKind<MethodDeclarationStructure> {
  const log = entity.log!;
  const example = `const history = await orm.${camelCase(entity.name)}.getLogs(${camelCase(entity.name)}.id, { page: 1, size: 50 });`;
  return {
    name: "getLogs",
    parameters: [
      { name: "id", type: "number" },
      { name: "pager", type: "Pager", hasQuestionToken: true },
    ],
    returnType: "Promise<LogEntry[]>",
    docs: docs(
      `The change log of one ${entity.name}, oldest first: one entry per insert, update and delete, with the ` +
        `context's meta and the values before and after (changed columns only for updates). Entries appear once ` +
        `a consumer has applied the queued writes.\n\nRuns, in MySQL pool \`${log.mysqlPool}\`:\n\`\`\`sql\n` +
        `SELECT \`ID\`, \`Date\`, \`Meta\`, \`Before\`, \`After\` FROM \`${log.table}\` WHERE \`EntityID\` = ? ORDER BY \`ID\`\n\`\`\`\n\n@example\n\`\`\`ts\n${example}\n\`\`\``,
    ),
    statements: ["return this.readLogs(id, pager);"],
  };
}

function loader(entity: EntityModel, index: IndexModel, position: number): OptionalKind<MethodDeclarationStructure> {
  const fields = index.fields.map((f) => entity.fields.find((field) => field.name === f)!);
  const method = `getBy${pascalCase(index.name)}`;
  const call = `${camelCase(entity.name)}s`;
  const example = `const ${index.unique ? camelCase(entity.name) : call} = await orm.${camelCase(entity.name)}.${method}(${fields.map(sampleArgument).join(", ")});`;
  const where = fields.map((f) => `\`${f.name}\``).join(" and ");
  const how = index.cached
    ? index.unique
      ? `Served from Redis (key → id), then by getById; a miss runs:`
      : `Served from a cached id set in Redis, kept up to date by every flush; a miss runs:`
    : `Runs:`;
  const summary = index.unique
    ? `The ${entity.name} whose ${where} ${fields.length > 1 ? "are" : "is"} the given value${fields.length > 1 ? "s" : ""} (unique index \`${index.name}\`), or undefined.`
    : `The ${entity.name} entities whose ${where} ${fields.length > 1 ? "are" : "is"} the given value${fields.length > 1 ? "s" : ""} (index \`${index.name}\`), ordered by id.`;
  const values = fields.map((f) => boundForm(f)).join(", ");
  return {
    name: method,
    parameters: fields.map((f) => ({ name: f.name, type: draftType(f) })),
    returnType: index.unique ? `Promise<${entity.name} | undefined>` : `Promise<${entity.name}[]>`,
    docs: docs(`${summary}\n\n${how}\n\`\`\`sql\n${indexSelectIds(entity, index)}\n\`\`\`\n\n@example\n\`\`\`ts\n${example}\n\`\`\``),
    statements: [`return this.${index.unique ? "findUnique" : "findMany"}(${position}, [${values}]);`],
  };
}

/** The argument as a bound SQL value. */
function boundForm(field: FieldModel): string {
  switch (field.type.kind) {
    case "date":
      return `bindDate(${field.name})`;
    case "datetime":
      return `bindDateTime(${field.name})`;
    case "int":
      return field.type.bits === 64 ? `bindBigInt(${field.name})` : field.name;
    case "set":
      return `bindSet(${field.name})`;
    default:
      return field.name;
  }
}

/** A plausible argument for a TSDoc example. */
function sampleArgument(field: FieldModel): string {
  const t = field.type;
  switch (t.kind) {
    case "reference":
      return `${camelCase(t.entity)}.id`;
    case "bool":
      return "true";
    case "int":
      return t.bits === 64 ? "1n" : "1";
    case "float":
    case "decimal":
      return "9.99";
    case "date":
      return `new Date("2024-01-31")`;
    case "datetime":
      return `new Date("2024-01-31T12:00:00Z")`;
    case "enum":
      return JSON.stringify(t.values[0]);
    case "set":
      return `[${JSON.stringify(t.values[0])}]`;
    case "varchar":
    case "text":
      return '"abc"';
    default:
      return "1";
  }
}
