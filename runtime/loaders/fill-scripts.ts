/**
 * Lua scripts of race-free cache fills. A reader that missed takes a lease (SET NX) before
 * reading MySQL and may write its result only while its lease is still there; every writer
 * deletes the leases of what it changes. So a fill can never store data older than a write.
 */
import { randomBytes } from "node:crypto";
import type { RedisScript } from "../redis-pool.js";

/** How long a lease lives: longer than any sane MySQL read. */
export const LEASE_MS = 10_000;

/** KEYS: lease keys. ARGV: token, ttl ms. */
export const TAKE_LEASES: RedisScript = {
  name: "beeormTakeLeases",
  keys: "variable",
  lua: `for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) end
return #KEYS`,
};

/** KEYS: target1, lease1, target2, lease2 … ARGV: token, value1, value2 … — SET each target whose lease is ours. */
export const FILL_STRINGS: RedisScript = {
  name: "beeormFillStrings",
  keys: "variable",
  lua: `local filled = 0
for i = 1, #KEYS, 2 do
  if redis.call('GET', KEYS[i + 1]) == ARGV[1] then
    redis.call('SET', KEYS[i], ARGV[(i + 1) / 2 + 1])
    redis.call('DEL', KEYS[i + 1])
    filled = filled + 1
  end
end
return filled`,
};

/**
 * KEYS: set, lease. ARGV: token, marker, ids… — adds the ids and the completeness marker if the
 * lease is ours, and returns the members afterwards: MySQL's ids plus those flushAsync added
 * while its events wait for the consumer (false when the lease was lost).
 */
export const FILL_SET: RedisScript = {
  name: "beeormFillSet",
  keys: "variable",
  lua: `if redis.call('GET', KEYS[2]) ~= ARGV[1] then return false end
for i = 2, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end
redis.call('DEL', KEYS[2])
return redis.call('SMEMBERS', KEYS[1])`,
};

/** KEYS: hash, lease. ARGV: token, field, id — HSET if the lease is ours. */
export const FILL_HASH_FIELD: RedisScript = {
  name: "beeormFillHashField",
  keys: "variable",
  lua: `if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('DEL', KEYS[2])
return 1`,
};

let counter = 0;
const processToken = randomBytes(6).toString("hex");

/** A token unique to this fill. */
export function leaseToken(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${processToken}:${counter}`;
}
