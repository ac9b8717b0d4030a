/** `index.ts`: re-exports every entity and enum, and the schema descriptor the runtime reads. */
import type { ImportDeclarationStructure, OptionalKind, SourceFileStructure, StatementStructures } from "ts-morph";
import { StructureKind, VariableDeclarationKind } from "./kinds.js";
import type { MysqlPoolModel, RedisPoolModel, UrlValue } from "../model.js";
import { camelCase, descriptorName, entityModule } from "./names.js";
import { RUNTIME_API } from "../../runtime/schema-descriptor.js";
import { docs, fileHeader } from "./structure-helpers.js";

export interface BarrelFileInput {
  readonly entities: readonly string[];
  readonly hasEnums: boolean;
  readonly mysqlPools: readonly MysqlPoolModel[];
  readonly redisPools: readonly RedisPoolModel[];
  readonly header: string;
}

/** Builds the structure of `index.ts`. */
export function barrelFileStructure(input: BarrelFileInput): OptionalKind<SourceFileStructure> {
  const statements: (string | StatementStructures)[] = [
    fileHeader(input.header),
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "beeorm/runtime",
      namedImports: ["Engine", "type EngineOptions", "OrmContext", "type SchemaDescriptor"],
    },
    ...input.entities.map(
      (e): ImportDeclarationStructure => ({
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: entityModule(e),
        namedImports: [`${e}Repository`, descriptorName(e)],
      }),
    ),
  ];
  if (input.hasEnums) statements.push({ kind: StructureKind.ExportDeclaration, moduleSpecifier: "./enums.js" });
  // Each entity module exports exactly its own names (X, XDraft, XInput, XRepository, xEntity).
  for (const e of input.entities) statements.push({ kind: StructureKind.ExportDeclaration, moduleSpecifier: entityModule(e) });
  const mysql = input.mysqlPools.map((p) => `${JSON.stringify(p.name)}: { ${poolUrl(p.url)} }`);
  const redis = input.redisPools.map((p) => `${JSON.stringify(p.name)}: { ${poolUrl(p.url)}, namespace: ${JSON.stringify(p.namespace)} }`);
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: docs("The schema's connection pools and entities, as the runtime reads them."),
    declarations: [
      {
        name: "schema",
        type: "SchemaDescriptor",
        initializer: `{\nruntimeApi: ${RUNTIME_API},\nmysqlPools: { ${mysql.join(", ")} },\nredisPools: { ${redis.join(", ")} },\nentities: [${input.entities.map(descriptorName).join(", ")}],\n}`,
      },
    ],
  });
  statements.push(
    {
      kind: StructureKind.Class,
      name: "Orm",
      isExported: true,
      extends: "OrmContext",
      docs: docs(
        "A unit of work over this schema, with one repository per entity. Cheap: create one per request.\n\n" +
          "@example\n```ts\nconst orm = engine.newContext();\n" +
          (input.entities[0] ? `const first = await orm.${camelCase(input.entities[0])}.getById(1);\n` : "") +
          "await orm.flush();\n```",
      ),
      properties: input.entities.map((e) => ({
        name: camelCase(e),
        isReadonly: true,
        initializer: `new ${e}Repository(this)`,
        docs: docs(`${e} entities.`),
      })),
    },
    {
      kind: StructureKind.Function,
      name: "createEngine",
      isExported: true,
      parameters: [{ name: "options", type: "EngineOptions", hasQuestionToken: true }],
      returnType: "Promise<Engine<Orm>>",
      docs: docs(
        "Connects to the schema's MySQL and Redis pools (URLs from the environment variables the schema names, " +
          "else its fallbacks; `options` override both) and returns the engine.\n\n" +
          '@example\n```ts\nconst engine = await createEngine({ mysql: { default: "mysql://root@127.0.0.1:3306/shop" } });\n' +
          "const orm = engine.newContext();\n// …\nawait engine.close();\n```",
      ),
      statements: ["return Engine.create(schema, (engine) => new Orm(engine), options);"],
    },
  );
  return { statements };
}

function poolUrl(url: UrlValue): string {
  if (url.kind === "literal") return `url: ${JSON.stringify(url.value)}`;
  const fallback = url.fallback === undefined ? "" : `, url: ${JSON.stringify(url.fallback)}`;
  return `env: ${JSON.stringify(url.name)}${fallback}`;
}
