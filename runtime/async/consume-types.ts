/** Options and results of `engine.consumeAsyncFlushEvents()`. */

export interface ConsumeOptions {
  /** false (default): apply everything queued, then return. true: keep waiting for new events until `signal` aborts. */
  readonly block?: boolean;
  /** Stops a blocking consumer: the current batch finishes (or rolls back), leases are released. */
  readonly signal?: AbortSignal;
  /**
   * Partitions applied in parallel (BeeORM's lazy-flush workers). Default 11; 16 (a queue's
   * partitions) drains a large backlog a little faster. Their batches are written by at most two
   * transactions per queue at once; batches ready together share a transaction (group-commit.ts).
   */
  readonly workers?: number;
  /** Events per batch: read from one partition at a time, applied in one transaction (with other partitions' batches ready at the same time). Default 1000. */
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
