/**
 * The Redis writes of one flush for one entity, merged into few multi-key commands (one MSET,
 * one DEL of leases, one SADD/SREM per set, one HSET/HDEL per hash). All keys of one entity share
 * a hash slot, so every command stays valid on Redis Cluster.
 */
import type { ChainableCommander } from "ioredis";

export class RedisWriteBatch {
  private readonly strings = new Map<string, string>();
  private readonly leases = new Set<string>();
  private readonly hashRemovals = new Map<string, Set<string>>();
  private readonly hashWrites = new Map<string, Map<string, string>>();
  private readonly setRemovals = new Map<string, Set<string>>();
  private readonly setAdditions = new Map<string, Set<string>>();

  /** SET `key` to `value`. */
  set(key: string, value: string): void {
    this.strings.set(key, value);
  }

  /** DEL a lease, so a concurrent read-fill of the structure it guards cannot store stale data. */
  dropLease(lease: string): void {
    this.leases.add(lease);
  }

  hset(hash: string, field: string, value: string): void {
    group(this.hashWrites, hash, () => new Map<string, string>()).set(field, value);
  }

  hdel(hash: string, field: string): void {
    group(this.hashRemovals, hash, () => new Set<string>()).add(field);
  }

  sadd(set: string, member: string): void {
    group(this.setAdditions, set, () => new Set<string>()).add(member);
    this.setRemovals.get(set)?.delete(member);
  }

  srem(set: string, member: string): void {
    group(this.setRemovals, set, () => new Set<string>()).add(member);
  }

  /** Appends the commands to a MULTI: removals first, then writes, then the lease deletions. */
  appendTo(tx: ChainableCommander): void {
    for (const [hash, fields] of this.hashRemovals) tx.hdel(hash, ...fields);
    for (const [set, members] of this.setRemovals) if (members.size > 0) tx.srem(set, ...members);
    if (this.strings.size > 0) tx.mset(this.strings);
    for (const [hash, fields] of this.hashWrites) tx.hset(hash, fields);
    for (const [set, members] of this.setAdditions) tx.sadd(set, ...members);
    if (this.leases.size > 0) tx.del(...this.leases);
  }

  /** Number of commands appendTo adds. */
  get size(): number {
    return (
      this.hashRemovals.size + this.setRemovals.size + this.hashWrites.size + this.setAdditions.size +
      (this.strings.size > 0 ? 1 : 0) + (this.leases.size > 0 ? 1 : 0)
    );
  }
}

function group<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}
