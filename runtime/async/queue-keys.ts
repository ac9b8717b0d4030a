/**
 * Redis keys of the async-flush queues. A queue is split into partitions by entity id, so the
 * events of one row stay in order in one stream while partitions are applied in parallel. Every
 * key of a queue shares the hash tag `{q:name}` (one Redis Cluster slot).
 */

/** Partitions per queue. Fixed: changing it would reorder the events of queued rows. */
export const PARTITIONS = 16;

export class QueueKeys {
  private readonly tag: string;

  constructor(
    namespace: string,
    /** The queue's name: `@asyncQueue`, else the MySQL pool's name. */
    readonly queue: string,
  ) {
    this.tag = `${namespace === "" ? "" : `${namespace}:`}{q:${queue}}`;
  }

  /** The stream of one partition. */
  stream(partition: number): string {
    return `${this.tag}:${partition}`;
  }

  /** The partition of an entity id. */
  static partitionOf(id: number): number {
    return id % PARTITIONS;
  }

  /** The lease of one partition: whoever holds it applies that partition's events. */
  lease(partition: number): string {
    return `${this.tag}:${partition}:lease`;
  }

  /** The dead-letter stream: events that failed permanently, with their error. */
  deadLetters(): string {
    return `${this.tag}:dead`;
  }

  /** The source events (`partition:streamId`) that are dead letters: a replay does not add them twice. */
  deadMarks(): string {
    return `${this.tag}:deadmarks`;
  }

  /** Ids (`entity:id`) held back because an earlier event of the same row is a dead letter. */
  held(): string {
    return `${this.tag}:held`;
  }
}
