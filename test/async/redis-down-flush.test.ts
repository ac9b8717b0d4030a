/**
 * flush() while Redis is unreachable (cut with a TCP proxy this test controls; the shared server
 * keeps running): MySQL commits, the caller gets CacheWriteError, and the cache entries Redis
 * still holds from before the flush are dropped once Redis answers again, so no reader, in this
 * process or another, is served the old row afterwards (SPEC §7).
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orm } from "../../generated/index.js";
import { CacheWriteError, type Engine } from "beeorm/runtime";
import { buildEngine, createDatabases, NAMESPACES, TcpProxy, waitFor, type Databases } from "./support.js";
import { customerEntity } from "../../generated/index.js";

const REDIS_DB = 1;
const REDIS_URL = `${process.env.BEEORM_TEST_REDIS_URL ?? "redis://127.0.0.1:6379"}/${REDIS_DB}`;

let db: Databases;
let redis: Redis;
let proxy: TcpProxy;
let writer: Engine<Orm>;
let reader: Engine<Orm>;

beforeAll(async () => {
  db = await createDatabases("redis_down");
  redis = new Redis(REDIS_URL);
  await redis.flushdb();
  const target = new URL(REDIS_URL);
  proxy = new TcpProxy(target.hostname, Number(target.port));
  await proxy.start();
  writer = await buildEngine({ mysql: db.urls(), redis: `redis://127.0.0.1:${proxy.port}/${REDIS_DB}` });
  reader = await buildEngine({ mysql: db.urls(), redis: REDIS_URL });
});

afterAll(async () => {
  await writer?.close();
  await reader?.close();
  proxy?.close();
  await redis?.flushdb();
  redis?.disconnect();
  await db?.drop();
});

const rowKey = (id: number): string => `${NAMESPACES.default}:{Customer:${customerEntity.schemaHash}}:${id}`;

describe("flush() with Redis unreachable", () => {
  it("commits to MySQL, rejects with CacheWriteError, and drops the stale cache entries once Redis is back", { timeout: 30_000 }, async () => {
    const orm = writer.newContext();
    const ann = await orm.customer.new({ email: "ann@example.test", name: "Ann", country: "PL", points: 1 });
    await orm.flush();
    // Another process reads Ann: its local cache and Redis hold points 1.
    expect((await reader.newContext().customer.getById(ann.id))?.points).toBe(1);
    expect((await reader.newContext().customer.getByEmail("ann@example.test"))?.id).toBe(ann.id);
    const before = await redis.get(rowKey(ann.id));
    expect(before).not.toBeNull();

    proxy.cut();
    const draft = orm.customer.edit(ann);
    draft.points = 2;
    draft.email = "ann@example.org";
    const failure = await orm.flush().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CacheWriteError);
    expect((failure as Error).message).toMatch(/^MySQL committed, but updating Redis failed: .*; the entries it touched are dropped as soon as Redis answers, so reads fall back to MySQL$/);
    expect(await db.rows("SELECT points, email FROM Customer WHERE ID = ?", [ann.id])).toEqual([{ points: 2, email: "ann@example.org" }]);
    // The outage: Redis still holds the old row, which must not outlive it.
    expect(await redis.get(rowKey(ann.id))).toBe(before);

    await proxy.restore();
    await waitFor("the stale row to be dropped from Redis", async () => (await redis.get(rowKey(ann.id))) !== before, 10_000, 20);
    const fresh = reader.newContext();
    // The other process's local copy went too (invalidated once Redis answered).
    await waitFor("the reader to see points 2", async () => (await reader.newContext().customer.getById(ann.id))?.points === 2, 5_000, 20);
    expect(await fresh.customer.getByEmail("ann@example.test")).toBeUndefined();
    expect((await fresh.customer.getByEmail("ann@example.org"))?.id).toBe(ann.id);
    expect((await writer.newContext().customer.getById(ann.id))?.points).toBe(2);
  });
});
