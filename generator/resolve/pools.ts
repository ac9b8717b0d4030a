import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { MysqlPoolModel, RedisPoolModel, UrlValue } from "../model.js";
import type { PoolNode, PropertyNode, ValueNode } from "../syntax/ast.js";
import { valueLabel } from "./attribute-args.js";
import type { ResolveContext } from "./context.js";
import type { Declarations } from "./declarations.js";

/** URL of the `default` MySQL pool when the schema does not declare it. */
const IMPLIED_MYSQL_URL = "mysql://root@127.0.0.1:3306/test";
/** URL of the `default` Redis pool when the schema does not declare it. */
const IMPLIED_REDIS_URL = "redis://127.0.0.1:6379/0";

const PROPERTIES = { mysql: ["url"], redis: ["url", "namespace"] } as const;
const SCHEMES = { mysql: ["mysql:", "mariadb:"], redis: ["redis:", "rediss:"] } as const;
const EXAMPLES = { mysql: "mysql://user:password@host:3306/database", redis: "redis://host:6379/0" } as const;

/** Checked pools, including the implied `default` ones, each list sorted by name. */
export interface ResolvedPools {
  readonly mysql: readonly MysqlPoolModel[];
  readonly redis: readonly RedisPoolModel[];
}

/** Checks pool properties and adds the implied `default` pools. */
export function resolvePools(declarations: Declarations, ctx: ResolveContext): ResolvedPools {
  const mysql: MysqlPoolModel[] = [];
  const redis: RedisPoolModel[] = [];
  for (const node of declarations.mysqlPools.values()) {
    const { url } = checkProperties(node, ctx);
    mysql.push({ name: node.name.value, url, implicit: false });
  }
  for (const node of declarations.redisPools.values()) {
    const { url, namespace } = checkProperties(node, ctx);
    redis.push({ name: node.name.value, url, namespace, implicit: false });
  }
  if (!declarations.mysqlPools.has("default")) {
    mysql.push({ name: "default", url: { kind: "literal", value: IMPLIED_MYSQL_URL }, implicit: true });
  }
  if (!declarations.redisPools.has("default")) {
    redis.push({ name: "default", url: { kind: "literal", value: IMPLIED_REDIS_URL }, namespace: "", implicit: true });
  }
  const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { mysql: mysql.sort(byName), redis: redis.sort(byName) };
}

function checkProperties(node: PoolNode, ctx: ResolveContext): { url: UrlValue; namespace: string } {
  const allowed: readonly string[] = PROPERTIES[node.engine];
  const seen = new Map<string, PropertyNode>();
  let url: UrlValue = { kind: "literal", value: "" };
  let namespace = "";
  for (const property of node.properties) {
    const key = property.name.value;
    if (!allowed.includes(key)) {
      ctx.bag.report("E0105", property.name.span, `unknown ${node.engine} pool property "${key}"`, {
        suggestion: didYouMean(key, allowed),
        notes: [`a ${node.engine} pool has ${allowed.map((p) => `"${p}"`).join(" and ")}`],
      });
      continue;
    }
    if (seen.has(key)) {
      ctx.bag.report("E0106", property.name.span, `duplicate pool property "${key}"`);
      continue;
    }
    seen.set(key, property);
    if (key === "url") url = checkUrl(property.value, node.engine, ctx) ?? url;
    else namespace = checkNamespace(property.value, ctx) ?? namespace;
  }
  if (!seen.has("url")) {
    ctx.bag.report("E0107", node.name.span, `${node.engine} pool "${node.name.value}" has no url`, {
      notes: [`add: url = "${EXAMPLES[node.engine]}" or url = env("VAR", "fallback")`],
    });
  }
  return { url, namespace };
}

function checkUrl(value: ValueNode, engine: "mysql" | "redis", ctx: ResolveContext): UrlValue | undefined {
  const notes = [`url is a string or env("VAR", "fallback"), e.g. "${EXAMPLES[engine]}"`];
  if (value.kind === "String") return checkUrlText(value.value, value, engine, ctx) ? { kind: "literal", value: value.value } : undefined;
  if (value.kind !== "Call" || value.callee.value !== "env") {
    ctx.bag.report("E0108", value.span, `url must be a string or env(…), found ${valueLabel(value)}`, { notes });
    return undefined;
  }
  const [name, fallback, extra] = value.args;
  const bad = value.args.find((arg) => arg.name !== undefined || arg.value.kind !== "String");
  if (name === undefined || extra !== undefined || bad !== undefined) {
    ctx.bag.report("E0108", (bad ?? extra)?.span ?? value.span, 'env takes a variable name and an optional fallback: env("VAR", "fallback")', { notes });
    return undefined;
  }
  const variable = name.value.kind === "String" ? name.value.value : "";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    ctx.bag.report("E0108", name.span, `invalid environment variable name "${variable}"`, {
      notes: ["variable names are letters, digits and _, not starting with a digit"],
    });
    return undefined;
  }
  const fallbackText = fallback?.value.kind === "String" ? fallback.value.value : undefined;
  if (fallback !== undefined && fallbackText !== undefined && !checkUrlText(fallbackText, fallback.value, engine, ctx)) return undefined;
  return { kind: "env", name: variable, fallback: fallbackText };
}

function checkUrlText(text: string, node: ValueNode, engine: "mysql" | "redis", ctx: ResolveContext): boolean {
  const schemes: readonly string[] = SCHEMES[engine];
  let protocol: string | undefined;
  try {
    protocol = new URL(text).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== undefined && schemes.includes(protocol)) return true;
  ctx.bag.report("E0109", node.span, `invalid ${engine} url "${text}"`, {
    notes: [`expected a url like ${EXAMPLES[engine]} (scheme ${schemes.map((s) => s.slice(0, -1)).join(" or ")})`],
  });
  return false;
}

function checkNamespace(value: ValueNode, ctx: ResolveContext): string | undefined {
  if (value.kind === "String" && /^[^\s{}]*$/.test(value.value)) return value.value;
  ctx.bag.report("E0108", value.span, value.kind === "String" ? `invalid namespace "${value.value}"` : `namespace must be a string, found ${valueLabel(value)}`, {
    notes: ["a namespace is a key prefix without spaces or braces, e.g. \"shop\""],
  });
  return undefined;
}
