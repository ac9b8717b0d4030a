/**
 * Redis key layout. Every key of one entity type shares the hash tag `{Entity:schemaHash}`, so
 * they live in one Redis Cluster slot (scripts may touch several) and a schema change never reads
 * rows of the old layout. The namespace keeps applications sharing one Redis apart.
 */

/** The value stored for an id known not to exist (negative caching). */
export const MISSING_ROW = "-";

/** The member that marks a cached id set as complete. */
export const COMPLETE_MARKER = "+";

export class EntityKeys {
  private readonly tag: string;

  constructor(namespace: string, entity: string, schemaHash: string) {
    this.tag = `${namespacePrefix(namespace)}{${entity}:${schemaHash}}`;
  }

  /** The cached row: a JSON array in column order, or MISSING_ROW. */
  row(id: number): string {
    return `${this.tag}:${id}`;
  }

  /** The read-fill lease of a cached structure (a row, an index key, the all-set): writers delete it. */
  lease(key: string): string {
    return `${key}:lease`;
  }

  /** Hash of a cached unique index: encoded key → id. */
  unique(index: string): string {
    return `${this.tag}:u:${index}`;
  }

  /** Set of the ids matching one key of a cached index or reference. */
  set(index: string, key: string): string {
    return `${this.tag}:s:${index}:${key}`;
  }

  /** Set of every id (`@cacheAll`). */
  all(): string {
    return `${this.tag}:all`;
  }
}

/** The id counter of a table; not versioned: a schema change must not reset it. */
export function idCounterKey(namespace: string, pool: string, table: string): string {
  return `${namespacePrefix(namespace)}{ids}:${pool}:${table}`;
}

/** Sorted set of the highest id queued by flushAsync per `pool:table` (ZADD GT). */
export function idHighWaterKey(namespace: string): string {
  return `${namespacePrefix(namespace)}{ids}:queued`;
}

/** Pub/sub channel of local-cache invalidations; pub/sub ignores database numbers, so the channel names one. */
export function invalidationChannel(namespace: string, database: number): string {
  return `${namespacePrefix(namespace)}beeorm:invalidate:${database}`;
}

function namespacePrefix(namespace: string): string {
  return namespace === "" ? "" : `${namespace}:`;
}
