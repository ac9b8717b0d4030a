/**
 * Application-assigned ids. A Redis counter per table hands out blocks of ids (INCRBY), so
 * creating many entities costs few round trips; the block grows as a process keeps creating.
 * When the counter is missing it is re-seeded above MAX(ID) of the table, the ids flushAsync has
 * queued but MySQL does not have yet, and the ids this engine handed out, so no id is ever
 * handed out twice. Ids stop at 2^53−1, the largest exact JavaScript number.
 */
import type { MysqlPool } from "./mysql-pool.js";
import type { RedisPool, RedisScript } from "./redis-pool.js";

const MAX_BLOCK = 1000;

/** ARGV: block size, floor (the last id this engine handed out; a re-seeded counter may be below it). */
const RESERVE: RedisScript = {
  name: "beeormReserveIds",
  keys: 1,
  lua: `if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local size = tonumber(ARGV[1])
local top = redis.call('INCRBY', KEYS[1], size)
if top - size < tonumber(ARGV[2]) then
  top = tonumber(ARGV[2]) + size
  redis.call('SET', KEYS[1], top)
end
return top`,
};

/** KEYS: counter, queued high-water set. ARGV: floor, block size, `pool:table`. */
const SEED_AND_RESERVE: RedisScript = {
  name: "beeormSeedIds",
  keys: 2,
  lua: `local floor = math.max(tonumber(ARGV[1]), tonumber(redis.call('ZSCORE', KEYS[2], ARGV[3]) or '0'))
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if current < floor then redis.call('SET', KEYS[1], floor) end
return redis.call('INCRBY', KEYS[1], ARGV[2])`,
};

export class IdAllocator {
  private next = 1;
  private last = 0;
  private block = 1;
  private reserving: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisPool,
    private readonly mysql: MysqlPool,
    private readonly counterKey: string,
    /** The sorted set of ids queued by flushAsync and its member for this table. */
    private readonly queued: { readonly key: string; readonly member: string },
    /** `SELECT MAX(ID) FROM <table>`. */
    private readonly maxIdSql: string,
  ) {}

  /** One new id. */
  async take(): Promise<number> {
    while (this.next > this.last) {
      this.reserving ??= this.reserve(this.block).finally(() => (this.reserving = undefined));
      await this.reserving;
    }
    return this.next++;
  }

  /** `count` new ids, reserved in one round trip when the current block is too small. */
  async takeMany(count: number): Promise<number[]> {
    const ids: number[] = [];
    while (ids.length < count) {
      if (this.next > this.last) {
        this.reserving ??= this.reserve(Math.max(count - ids.length, this.block)).finally(() => (this.reserving = undefined));
        await this.reserving;
        continue;
      }
      ids.push(this.next++);
    }
    return ids;
  }

  private async reserve(size: number): Promise<void> {
    let top = Number(await this.redis.eval(RESERVE, [this.counterKey], [size, this.last]));
    if (top === -1) {
      // The counter is gone: restart above every id MySQL has and every id this engine handed out.
      const [row] = await this.mysql.select(this.maxIdSql, []);
      const max = Math.max(Number(row?.[0] ?? 0), this.last);
      top = Number(await this.redis.eval(SEED_AND_RESERVE, [this.counterKey, this.queued.key], [max, size, this.queued.member]));
    }
    if (top > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`id counter ${this.counterKey} passed 2^53-1 (${top}); ids must stay exact JavaScript numbers`);
    }
    this.next = top - size + 1;
    this.last = top;
    this.block = Math.min(MAX_BLOCK, this.block * 2);
  }
}
