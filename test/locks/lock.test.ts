import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Orm } from "../../generated/index.js";
import type { Engine } from "../../runtime/index.js";

const REDIS = `${process.env.BEEORM_TEST_REDIS_URL ?? "redis://127.0.0.1:6379"}/2`;
let a: Engine<Orm>;
let b: Engine<Orm>;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(REDIS);
  await redis.flushdb();
  // Locks touch Redis only; the MySQL pools are never connected.
  const options = { mysql: { default: "mysql://root@127.0.0.1:3306/unused", audit: "mysql://root@127.0.0.1:3306/unused" }, redis: { default: REDIS, sessions: REDIS } };
  [a, b] = await Promise.all([createEngine(options), createEngine(options)]);
});

afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await redis.flushdb();
  redis.disconnect();
});

describe("engine.lock", () => {
  it("two holders race: exactly one wins; the loser gets undefined after waiting up to waitMs", async () => {
    const results = await Promise.all([a.lock("race", 2_000), b.lock("race", 2_000)]);
    expect(results.filter((l) => l !== undefined)).toHaveLength(1);
    const started = Date.now();
    expect(await b.lock("race", 2_000, { waitMs: 200 })).toBeUndefined();
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(1_000);
    expect(await redis.get("shop:lock:race")).toMatch(/^[0-9a-f-]{36}$/);
    await results.find((l) => l !== undefined)!.release();
    expect(await redis.exists("shop:lock:race")).toBe(0);
  });

  it("a waiter gets the lock as soon as the holder releases it", async () => {
    const holder = (await a.lock("handover", 5_000))!;
    setTimeout(() => void holder.release(), 100);
    const waiter = await b.lock("handover", 5_000, { waitMs: 2_000 });
    expect(waiter).toBeDefined();
    expect(await waiter!.ttl()).toBeGreaterThan(4_000);
    await waiter!.release();
  });

  it("expiry frees it; a stale owner's release and refresh do not touch the new owner's lock", async () => {
    const first = (await a.lock("expiry", 150))!;
    expect(await first.ttl()).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await first.ttl()).toBe(0);
    const second = (await b.lock("expiry", 5_000))!;
    expect(second).toBeDefined();
    expect(await first.refresh(5_000)).toBe(false);
    await first.release();
    expect(await redis.exists("shop:lock:expiry")).toBe(1);
    expect(await second.ttl()).toBeGreaterThan(4_000);
    await second.release();
  });

  it("refresh extends a held lock; release is idempotent; refresh after release is false", async () => {
    const lock = (await a.lock("refresh", 500))!;
    expect(await lock.refresh(10_000)).toBe(true);
    expect(await redis.pttl("shop:lock:refresh")).toBeGreaterThan(9_000);
    await lock.release();
    await lock.release();
    expect(await lock.refresh(1_000)).toBe(false);
    expect(await lock.ttl()).toBe(0);
  });

  it("rejects a ttl of 0 and a wait longer than the ttl, before touching Redis", async () => {
    await expect(a.lock("bad", 0)).rejects.toThrow("lock ttl must be a positive number of milliseconds, got 0");
    await expect(a.lock("bad", 100, { waitMs: 200 })).rejects.toThrow("lock wait (200 ms) must not be longer than the lock's ttl (100 ms)");
    expect(await redis.exists("shop:lock:bad")).toBe(0);
  });
});
