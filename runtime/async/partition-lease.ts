/**
 * Leases on queue partitions: a partition is applied by one consumer at a time. A lease is a
 * Redis key holding the owner's token with a TTL; the owner refreshes it while alive, and when
 * it dies the key expires and another consumer takes the partition over.
 */
import { randomUUID } from "node:crypto";
import type { RedisPool, RedisScript } from "../redis-pool.js";

const REFRESH: RedisScript = {
  name: "beeormRefreshLease",
  keys: 1,
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
};

const RELEASE: RedisScript = {
  name: "beeormReleaseLease",
  keys: 1,
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
};

export class PartitionLease {
  private readonly token = randomUUID();
  held = false;

  constructor(
    private readonly redis: RedisPool,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lease if it is free (or already ours); true when held afterwards. */
  async acquire(): Promise<boolean> {
    if (this.held) return this.refresh();
    this.held = (await this.redis.raw.set(this.key, this.token, "PX", this.ttlMs, "NX")) === "OK";
    return this.held;
  }

  /** Extends a held lease; false (and not held) when it expired and someone else may have it. */
  async refresh(): Promise<boolean> {
    if (!this.held) return false;
    this.held = Number(await this.redis.eval(REFRESH, [this.key], [this.token, this.ttlMs])) === 1;
    return this.held;
  }

  /** Gives the lease up, if it is still ours. */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE, [this.key], [this.token]);
  }
}
