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
