/** A Redis pool as the runtime uses it: ioredis with a namespace, Lua scripts and query logging. */
import { Redis, type ChainableCommander } from "ioredis";
import type { QueryLog } from "./query-log.js";

/** A Lua script run by EVALSHA (loaded on first use). */
export interface RedisScript {
  readonly name: string;
  readonly lua: string;
  /** Number of KEYS, or "variable" when the caller passes any number. */
  readonly keys: number | "variable";
}

export class RedisPool {
  /**
   * @internal The ioredis client. Users reach it with `redisDriver(engine, name)` from
   * `beeorm/runtime/drivers`, so that the runtime's public types never load ioredis's typings.
   */
  readonly raw: Redis;
  private readonly scripts = new Set<string>();

  constructor(
    readonly name: string,
    url: string,
    /** Key prefix of this pool (`namespace` in the schema). */
    readonly namespace: string,
    private readonly log: QueryLog,
  ) {
    this.raw = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.raw.on("error", () => {
      // Connection errors surface on the commands that fail; ioredis reconnects by itself.
    });
  }

  async get(key: string): Promise<string | null> {
    if (!this.log.active) return this.raw.get(key);
    const started = performance.now();
    const value = await this.raw.get(key);
    this.emit("GET", key, started, value === null);
    return value;
  }

  async mget(keys: readonly string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    if (!this.log.active) return this.raw.mget(keys as string[]);
    const started = performance.now();
    const values = await this.raw.mget(keys as string[]);
    this.emit("MGET", `${keys[0]} … (${keys.length} keys)`, started, values.includes(null));
    return values;
  }

  async hget(key: string, field: string): Promise<string | null> {
    const started = performance.now();
    const value = await this.raw.hget(key, field);
    if (this.log.active) this.emit("HGET", `${key} ${field}`, started, value === null);
    return value;
  }

  async smembers(key: string): Promise<string[]> {
    const started = performance.now();
    const members = await this.raw.smembers(key);
    if (this.log.active) this.emit("SMEMBERS", key, started, members.length === 0);
    return members;
  }

  /** Runs a Lua script (EVALSHA, loading it on first use). */
  async eval(script: RedisScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (!this.scripts.has(script.name)) {
      this.raw.defineCommand(script.name, script.keys === "variable" ? { lua: script.lua } : { numberOfKeys: script.keys, lua: script.lua });
      this.scripts.add(script.name);
    }
    const started = performance.now();
    const run = (this.raw as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[script.name]!;
    const result = await (script.keys === "variable" ? run.call(this.raw, keys.length, ...keys, ...args) : run.call(this.raw, ...keys, ...args));
    if (this.log.active) this.emit("EVALSHA", `${script.name} ${keys[0] ?? ""}`, started, false);
    return result;
  }

  /** @internal Queues commands on a MULTI/EXEC transaction and runs it; throws if any command failed. */
  async multi(build: (tx: ChainableCommander) => void, description: string): Promise<void> {
    const started = performance.now();
    const tx = this.raw.multi();
    build(tx);
    const results = await tx.exec();
    if (this.log.active) this.emit("MULTI", description, started, false);
    const failure = results?.find(([error]) => error !== null);
    if (results === null) throw new Error("Redis MULTI was discarded");
    if (failure) throw failure[0];
  }

  async publish(channel: string, message: string): Promise<void> {
    const started = performance.now();
    await this.raw.publish(channel, message);
    if (this.log.active) this.emit("PUBLISH", channel, started, false);
  }

  /** Closes the connection (waits for pending replies). */
  async close(): Promise<void> {
    await this.raw.quit().catch(() => this.raw.disconnect());
  }

  private emit(operation: string, query: string, started: number, miss: boolean): void {
    this.log.emit({ source: "redis", pool: this.name, operation, query, durationMs: performance.now() - started, miss });
  }
}
