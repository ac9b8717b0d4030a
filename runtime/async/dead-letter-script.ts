/** The Lua script that records a dead letter once per source event. */
import type { RedisScript } from "../redis-pool.js";

/**
 * KEYS: dead-letter stream, dead marks set, held set.
 * ARGV: partition, source id, event text, error, queue, time, row key ("" for none).
 * Adds the dead letter unless this source event (`partition:source`) is one already (a replay
 * after a crash), and holds the row. Returns 1 when added.
 */
export const DEAD_LETTER: RedisScript = {
  name: "beeormDeadLetter",
  keys: 3,
  lua: `if redis.call('SADD', KEYS[2], ARGV[1] .. ':' .. ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[1], '*', 'e', ARGV[3], 'error', ARGV[4], 'queue', ARGV[5], 'partition', ARGV[1], 'source', ARGV[2], 'at', ARGV[6])
if ARGV[7] ~= '' then redis.call('SADD', KEYS[3], ARGV[7]) end
return 1`,
};
