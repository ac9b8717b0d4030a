/**
 * `engine.lock(name, ttlMs, { waitMs })`: a Redis lock with an owner token. Only the owner can
 * refresh or release it, so a holder whose lock expired cannot free the next owner's lock.
 */
import { randomUUID } from "node:crypto";
import type { RedisPool, RedisScript } from "./redis-pool.js";

const RELEASE: RedisScript = {
  name: "beeormLockRelease",
  keys: 1,
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
};

const REFRESH: RedisScript = {
  name: "beeormLockRefresh",
  keys: 1,
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
};

const RETRY_MS = 25;

/** A held lock. */
export class Lock {
  private released = false;

  /** @internal */
  constructor(
    private readonly redis: RedisPool,
    /** The Redis key of the lock. */
    readonly key: string,
    private readonly token: string,
  ) {}

  /** Releases the lock if this holder still owns it. Safe to call more than once. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.redis.eval(RELEASE, [this.key], [this.token]);
  }

  /** Extends the lock to `ttlMs` from now; false when it was lost (expired, or released). */
  async refresh(ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    if (this.released) return false;
    return Number(await this.redis.eval(REFRESH, [this.key], [this.token, ttlMs])) === 1;
  }

  /** Milliseconds until the lock expires; 0 when this holder no longer owns it. */
  async ttl(): Promise<number> {
    if (this.released) return 0;
    const [owner, ttl] = await Promise.all([this.redis.raw.get(this.key), this.redis.raw.pttl(this.key)]);
    return owner === this.token && ttl > 0 ? ttl : 0;
  }
}

/**
 * Takes the lock `name` for `ttlMs`, waiting up to `waitMs` for a current holder; resolves to
 * the Lock, or undefined when it stayed taken.
 */
export async function obtainLock(redis: RedisPool, name: string, ttlMs: number, waitMs = 0): Promise<Lock | undefined> {
  checkTtl(ttlMs);
  if (!Number.isFinite(waitMs) || waitMs < 0) throw new RangeError(`lock wait must be 0 or more milliseconds, got ${waitMs}`);
  if (waitMs > ttlMs) throw new RangeError(`lock wait (${waitMs} ms) must not be longer than the lock's ttl (${ttlMs} ms)`);
  const key = `${redis.namespace === "" ? "" : `${redis.namespace}:`}lock:${name}`;
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  for (;;) {
    if ((await redis.raw.set(key, token, "PX", ttlMs, "NX")) === "OK") return new Lock(redis, key, token);
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, left)));
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`lock ttl must be a positive number of milliseconds, got ${ttlMs}`);
}
