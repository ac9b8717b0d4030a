/** Options and results of `engine.consumeAsyncFlushEvents()`. */

export interface ConsumeOptions {
  /** false (default): apply everything queued, then return. true: keep waiting for new events until `signal` aborts. */
  readonly block?: boolean;
  /** Stops a blocking consumer: the current batch finishes (or rolls back), leases are released. */
  readonly signal?: AbortSignal;
  /** Partitions applied in parallel, each on its own connection (BeeORM's lazy-flush workers). Default 11. */
  readonly workers?: number;
  /** Events per transaction. Default 1000. */
  readonly batchSize?: number;
  /** How long a partition lease lives without refresh, in ms. Default 30 000. */
  readonly leaseMs?: number;
  /** Progress and outage lines (the generated consumer prints them). */
  readonly onLog?: (line: string) => void;
}

export interface ConsumeResult {
  /** Events applied to MySQL. */
  readonly applied: number;
  /** Events moved to the dead letters. */
  readonly deadLettered: number;
}
