/**
 * Group commit of one queue's batches. Partitions are read and decoded in parallel (the
 * consumer's workers), but their batches are written by at most `concurrency` transactions of the
 * queue at a time: batches that become ready while those are busy, or while other partitions of
 * the queue are still being read (for at most HOLD_MS), wait and then share the next transaction,
 * each partition's offset still fenced and saved in it (applyBatches). A busy queue is thus
 * applied in a few large transactions with rows in id order, instead of one small transaction per
 * partition all competing for the same index pages, locks and log flushes.
 *
 * Failures reach each batch as if it had been applied alone: a transient error goes to every
 * batch of the group (each caller retries), a stale offset to the stale partitions only (the
 * others go on in a new transaction), and a permanent error makes each batch be applied in a
 * transaction of its own, so only the failing ones see it. A partition whose offset row another
 * transaction holds (a consumer frozen past its lease) leaves the group and waits alone, outside
 * the `concurrency` slots, so it stalls no other partition.
 */
import { BusyOffsetError, StaleOffsetError, type Batch } from "./apply-batch.js";
import { isTransient } from "./errors.js";

/**
 * How long a ready batch may wait for partitions of its queue that are still being read. Reading
 * a batch takes a millisecond or two; the cap only matters when Redis is slow or away.
 */
const HOLD_MS = 20;

interface Waiting {
  readonly batch: Batch;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  /** Partitions of the queue that a worker is reading and decoding a batch of. */
  private reading = 0;
  private heldSince = 0;
  private holdTimer: NodeJS.Timeout | undefined;

  constructor(
    /** Applies batches of different partitions in one transaction (applyBatches on the queue's MySQL pool). */
    private readonly apply: (batches: readonly Batch[]) => Promise<void>,
    /** Transactions of the queue at once. */
    private readonly concurrency: number,
  ) {}

  /**
   * A partition's next batch is about to be read: the next transaction waits for it. Call the
   * returned function (once) when it is submitted, or turned out empty.
   */
  startReading(): () => void {
    this.reading++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.reading--;
      this.next();
    };
  }

  /** Resolves once `batch` is committed; rejects as applyBatches would have for it alone. */
  submit(batch: Batch): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) this.heldSince = performance.now();
      this.waiting.push({ batch, resolve, reject });
      this.next();
    });
  }

  /** Starts a transaction with every waiting batch, while fewer than `concurrency` run and no partition is being read. */
  private next(): void {
    const held = HOLD_MS - (performance.now() - this.heldSince);
    if (this.reading > 0 && this.waiting.length > 0 && held > 0) {
      this.holdTimer ??= setTimeout(() => {
        this.holdTimer = undefined;
        this.next();
      }, held);
      return;
    }
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const group = this.waiting.splice(0);
      this.running++;
      void this.commit(group).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async commit(group: readonly Waiting[]): Promise<void> {
    try {
      await this.apply(group.map((w) => w.batch));
      for (const w of group) w.resolve();
      return;
    } catch (error) {
      if (group.length === 1 || isTransient(error)) {
        for (const w of group) w.reject(error);
        return;
      }
      if (error instanceof BusyOffsetError) {
        // Nothing was written: the busy partitions wait for their rows alone, the others go on.
        const isBusy = (w: Waiting): boolean => error.partitions.includes(w.batch.offset.partition);
        for (const w of group.filter(isBusy)) this.apply([w.batch]).then(w.resolve, w.reject);
        const free = group.filter((w) => !isBusy(w));
        if (free.length > 0) await this.commit(free);
        return;
      }
      if (error instanceof StaleOffsetError) {
        // Nothing was written: the stale partitions re-read from MySQL's offset, the others go on.
        const isStale = (w: Waiting): boolean => error.stale.has(w.batch.offset.partition);
        for (const w of group.filter(isStale)) w.reject(new StaleOffsetError(new Map([[w.batch.offset.partition, error.current(w.batch.offset.partition)]])));
        const fresh = group.filter((w) => !isStale(w));
        if (fresh.length > 0) await this.commit(fresh);
        return;
      }
    }
    // A permanent error of some batch: each alone, so that only the failing ones see it.
    for (const w of group) await this.commit([w]);
  }
}
