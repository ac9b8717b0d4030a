/** Query logging: every MySQL statement, Redis command and local-cache lookup can be observed. */

/** One logged operation. */
export interface QueryEvent {
  readonly source: "mysql" | "redis" | "local";
  /** Pool name; for `local` the entity name. */
  readonly pool: string;
  /** e.g. `SELECT`, `INSERT`, `BEGIN`, `COMMIT`, `GET`, `MGET`, `EVALSHA`, `PIPELINE`. */
  readonly operation: string;
  /** SQL text or Redis command with its first arguments. */
  readonly query: string;
  /** Bound SQL parameters (never Redis credentials). */
  readonly params?: readonly unknown[];
  readonly durationMs: number;
  /** True when a cache lookup missed (at least one key). */
  readonly miss?: boolean;
  /** The context's meta (`orm.setMeta`), when the operation ran for a context. */
  readonly meta?: Readonly<Record<string, string>>;
  readonly error?: unknown;
}

export type QueryListener = (event: QueryEvent) => void;

/** The engine's listeners. `active` is false when nobody listens, so hot paths skip building events. */
export class QueryLog {
  private readonly listeners = new Set<QueryListener>();
  active = false;

  /** Adds a listener; returns a function that removes it. */
  add(listener: QueryListener): () => void {
    this.listeners.add(listener);
    this.active = true;
    return () => {
      this.listeners.delete(listener);
      this.active = this.listeners.size > 0;
    };
  }

  emit(event: QueryEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must never break a query.
      }
    }
  }
}

/** The first word of a SQL statement, upper-cased: the event's `operation`. */
export function sqlOperation(sql: string): string {
  const match = /^\s*([A-Za-z]+)/.exec(sql);
  return match ? match[1]!.toUpperCase() : "SQL";
}
