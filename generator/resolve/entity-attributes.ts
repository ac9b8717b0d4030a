import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { AttributeNode, EntityNode, ValueNode } from "../syntax/ast.js";
import type { Span } from "../syntax/span.js";
import { checkArguments, lookupAttribute } from "./attribute-args.js";
import { reportUnknown, type ResolveContext } from "./context.js";
import { checkIdentifier } from "./names.js";
import type { ResolvedPools } from "./pools.js";

/** Prefix of change-log tables (`@log`). */
const LOG_TABLE_PREFIX = "_log_";

/** What an entity's attributes say, with spans for later checks. */
export interface EntitySettings {
  readonly table: string;
  readonly tableSpan: Span;
  readonly mysqlPool: string;
  readonly redisCache: string | undefined;
  readonly localCache: { readonly limit: number | undefined } | undefined;
  readonly cacheAll: boolean;
  readonly asyncQueue: string;
  readonly log: { readonly table: string; readonly mysqlPool: string; readonly span: Span } | undefined;
}

/** Pass 3a: checks `entity X @attr…` and derives the entity's table, pools and caches. */
export function resolveEntitySettings(node: EntityNode, pools: ResolvedPools, ctx: ResolveContext): EntitySettings {
  const seen = new Set<string>();
  const given = new Map<string, { attribute: AttributeNode; value: ValueNode | undefined }>();
  for (const attribute of node.attributes) {
    const spec = lookupAttribute(attribute, "entity", seen, ctx);
    const args = spec && checkArguments(attribute, spec, ctx);
    if (args !== undefined) given.set(attribute.name.value, { attribute, value: args.positional[0] });
  }
  const text = (name: string): string | undefined => {
    const value = given.get(name)?.value;
    return value?.kind === "String" ? value.value : undefined;
  };
  const mysqlNames = pools.mysql.map((p) => p.name);
  const redisNames = pools.redis.map((p) => p.name);

  const tableValue = given.get("table")?.value;
  const table = text("table") ?? node.name.value;
  const tableSpan = tableValue?.span ?? node.name.span;
  const tableOk = checkIdentifier(table, "table", tableSpan, ctx);

  const mysqlPool = checkPool(given.get("mysql")?.value, "mysql", mysqlNames, ctx) ?? "default";
  const redis = given.get("redisCache");
  const redisCache = redis === undefined ? undefined : (checkPool(redis.value, "redis", redisNames, ctx) ?? "default");
  const asyncQueue = text("asyncQueue") ?? mysqlPool;
  const queueValue = given.get("asyncQueue")?.value;
  if (queueValue !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(asyncQueue)) {
    ctx.bag.report("E0310", queueValue.span, `invalid queue name "${asyncQueue}"`, {
      notes: ["a queue name is letters, digits and _ . : -"],
    });
  }
  const log = given.get("log");
  let logSettings: EntitySettings["log"];
  if (log !== undefined) {
    const logTable = LOG_TABLE_PREFIX + table;
    const logPool = checkPool(log.value, "mysql", mysqlNames, ctx) ?? mysqlPool;
    logSettings = { table: logTable, mysqlPool: logPool, span: log.attribute.span };
    if (tableOk) checkIdentifier(logTable, "table", log.attribute.span, ctx);
  }
  return {
    table,
    tableSpan,
    mysqlPool,
    redisCache,
    localCache: localCache(given.get("localCache"), ctx),
    cacheAll: given.has("cacheAll"),
    asyncQueue,
    log: logSettings,
  };
}

/** The pool named by the argument, or undefined (after reporting an unknown one) / when absent. */
function checkPool(value: ValueNode | undefined, engine: "mysql" | "redis", names: readonly string[], ctx: ResolveContext): string | undefined {
  if (value?.kind !== "String") return undefined;
  if (names.includes(value.value)) return value.value;
  reportUnknown(ctx, "E0305", value.span, `unknown ${engine} pool "${value.value}"`, () => ({
    suggestion: didYouMean(value.value, names),
    notes: [`${engine} pools: ${names.join(", ")}`],
  }));
  return undefined;
}

function localCache(
  given: { attribute: AttributeNode; value: ValueNode | undefined } | undefined,
  ctx: ResolveContext,
): EntitySettings["localCache"] {
  if (given === undefined) return undefined;
  const value = given.value;
  if (value?.kind !== "Number") return { limit: undefined };
  const limit = /^\d+$/.test(value.value) ? Number(value.value) : NaN;
  if (limit >= 1 && Number.isSafeInteger(limit)) return { limit };
  ctx.bag.report("E0306", value.span, `@localCache limit must be a positive whole number, found ${value.value}`, {
    notes: ["the limit is the number of entities kept in memory; write @localCache for no limit"],
  });
  return { limit: undefined };
}
