/** `index.ts`: re-exports every entity and enum, and the schema descriptor the runtime reads. */
import { StructureKind, VariableDeclarationKind, type ImportDeclarationStructure, type OptionalKind, type SourceFileStructure, type StatementStructures } from "ts-morph";
import type { MysqlPoolModel, RedisPoolModel, UrlValue } from "../model.js";
import { descriptorName, entityModule } from "./names.js";
import { docs } from "./structure-helpers.js";

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
    `// ${input.header}`,
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: "beeorm/runtime", namedImports: ["SchemaDescriptor"] },
    ...input.entities.map((e): ImportDeclarationStructure => ({ kind: StructureKind.ImportDeclaration, moduleSpecifier: entityModule(e), namedImports: [descriptorName(e)] })),
  ];
  if (input.hasEnums) statements.push({ kind: StructureKind.ExportDeclaration, moduleSpecifier: "./enums.js" });
  for (const e of input.entities) {
    statements.push({
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: entityModule(e),
      namedExports: [descriptorName(e), `type ${e}`, `type ${e}Draft`, `type ${e}Input`],
    });
  }
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
        initializer: `{\nmysqlPools: { ${mysql.join(", ")} },\nredisPools: { ${redis.join(", ")} },\nentities: [${input.entities.map(descriptorName).join(", ")}],\n}`,
      },
    ],
  });
  return { statements };
}

function poolUrl(url: UrlValue): string {
  if (url.kind === "literal") return `url: ${JSON.stringify(url.value)}`;
  const fallback = url.fallback === undefined ? "" : `, url: ${JSON.stringify(url.fallback)}`;
  return `env: ${JSON.stringify(url.name)}${fallback}`;
}
