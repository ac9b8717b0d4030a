import type { EntityDescriptor } from "./entity-descriptor.js";

/** A pool URL as the schema declares it: a literal, or an environment variable with a fallback. */
export interface PoolUrl {
  /** Environment variable read first, when declared with env(). */
  readonly env?: string;
  /** The literal URL or env() fallback; undefined when env() has none. */
  readonly url?: string;
}

/**
 * The version of the contract between generated code and this runtime. beeorm-gen writes it into
 * every schema and an engine refuses a schema written for another: generated files are not
 * type-checked in an application's build (they are `@ts-nocheck`), so a runtime upgraded without
 * running beeorm-gen again must fail loudly at start, not halfway through a request. Raise it
 * whenever generated code from before a change would no longer run.
 */
export const RUNTIME_API = 2;

/** The whole generated schema: pools and entities. */
export interface SchemaDescriptor {
  /** RUNTIME_API of the beeorm-gen that wrote it. */
  readonly runtimeApi: number;
  readonly mysqlPools: Readonly<Record<string, PoolUrl>>;
  readonly redisPools: Readonly<Record<string, PoolUrl & { readonly namespace: string }>>;
  /**
   * Every entity's descriptor. Typed loosely on purpose: each generated descriptor is already
   * checked against its own EntityDescriptor<Draft, Input>, and comparing 200 of them with one
   * common instantiation would cost type-checking time in every build of the application.
   */
  readonly entities: readonly EntityDescriptor<any, any>[];
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

/** Throws unless `schema` was generated for this runtime (RUNTIME_API). */
export function assertRuntimeApi(schema: SchemaDescriptor): void {
  if (schema.runtimeApi === RUNTIME_API) return;
  throw new Error(
    `the generated schema was written for beeorm runtime API ${String(schema.runtimeApi ?? 1)}, but this runtime implements API ${RUNTIME_API}: run beeorm-gen again (with the beeorm version your application uses)`,
  );
}
