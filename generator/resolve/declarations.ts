import type { EntityNode, EnumNode, PoolNode, SchemaFileNode } from "../syntax/ast.js";
import type { ResolveContext } from "./context.js";
import { reservedDeclarationName } from "./reserved-names.js";
import { SCALAR_NAMES } from "./scalar-types.js";

/** Pass 1: every declaration by name, first one wins. */
export interface Declarations {
  readonly mysqlPools: ReadonlyMap<string, PoolNode>;
  readonly redisPools: ReadonlyMap<string, PoolNode>;
  readonly enums: ReadonlyMap<string, EnumNode>;
  readonly entities: ReadonlyMap<string, EntityNode>;
}

/** Collects declarations, reporting duplicates, case-only clashes and reserved names. */
export function collectDeclarations(files: readonly SchemaFileNode[], ctx: ResolveContext): Declarations {
  const mysqlPools = new Map<string, PoolNode>();
  const redisPools = new Map<string, PoolNode>();
  const enums = new Map<string, EnumNode>();
  const entities = new Map<string, EntityNode>();
  const byKey = new Map<string, EnumNode | EntityNode>();
  for (const file of files) {
    for (const node of file.declarations) {
      const name = node.name.value;
      if (node.kind === "Pool") {
        const pools = node.engine === "mysql" ? mysqlPools : redisPools;
        const first = pools.get(name);
        if (first === undefined) pools.set(name, node);
        else {
          ctx.bag.report("E0104", node.name.span, `duplicate ${node.engine} pool "${name}"`, {
            notes: [`the first one is declared at ${ctx.where(first.name.span)}`],
          });
        }
        continue;
      }
      const first = enums.get(name) ?? entities.get(name);
      if (first !== undefined) {
        ctx.bag.report("E0101", node.name.span, `"${name}" is already declared as ${describe(first)}`, {
          notes: [`the first declaration is at ${ctx.where(first.name.span)}`, "entities and enums share one namespace"],
        });
        continue;
      }
      const reason = reservedDeclarationName(name, SCALAR_NAMES);
      if (reason !== undefined) {
        ctx.bag.report("E0103", node.name.span, `${reason}; choose another name for this ${node.kind === "Enum" ? "enum" : "entity"}`);
      }
      const key = name.toLowerCase().replace(/_/g, "");
      const similar = byKey.get(key);
      if (similar !== undefined) {
        ctx.bag.report("E0102", node.name.span, `"${name}" differs from ${describe(similar)} only in case or underscores`, {
          notes: [`"${similar.name.value}" is declared at ${ctx.where(similar.name.span)}`, "generated file names would collide"],
        });
      } else byKey.set(key, node);
      if (node.kind === "Enum") enums.set(name, node);
      else entities.set(name, node);
    }
  }
  return { mysqlPools, redisPools, enums, entities };
}

function describe(node: EnumNode | EntityNode): string {
  return `${node.kind === "Enum" ? "enum" : "entity"} "${node.name.value}"`;
}
