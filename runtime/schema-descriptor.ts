import type { EntityDescriptor } from "./entity-descriptor.js";

/** A pool URL as the schema declares it: a literal, or an environment variable with a fallback. */
export interface PoolUrl {
  /** Environment variable read first, when declared with env(). */
  readonly env?: string;
  /** The literal URL or env() fallback; undefined when env() has none. */
  readonly url?: string;
}

/** The whole generated schema: pools and entities. */
export interface SchemaDescriptor {
  readonly mysqlPools: Readonly<Record<string, PoolUrl>>;
  readonly redisPools: Readonly<Record<string, PoolUrl & { readonly namespace: string }>>;
  readonly entities: readonly EntityDescriptor<{ id: number }, never>[];
}

/** The URL of a pool: its environment variable when set and not empty, else the schema's URL. */
export function resolvePoolUrl(kind: "mysql" | "redis", name: string, url: PoolUrl): string {
  const fromEnv = url.env === undefined ? undefined : process.env[url.env];
  const resolved = fromEnv !== undefined && fromEnv !== "" ? fromEnv : url.url;
  if (resolved === undefined) {
    throw new Error(`${kind} pool "${name}" has no URL: set ${url.env ?? "its url"} or pass createEngine({ ${kind}: { ${name}: url } })`);
  }
  return resolved;
}
