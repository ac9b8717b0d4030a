/**
 * Helpers of the async-flush reliability tests (crash, outage, dead letters, leases, latency):
 * databases of their own, engines pointed at any MySQL / Redis URL (a proxy, a private
 * redis-server), a TCP proxy the test can cut, a private redis-server with AOF, the consumer as
 * a child process, and checks that read Redis and MySQL directly.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import { Engine } from "beeorm/runtime";
import { createEngine, Orm, schema } from "../../generated/index.js";

export const MYSQL_SERVER = process.env.BEEORM_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
export const REDIS_SERVER = process.env.BEEORM_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const PARTITIONS = 16;
export const OFFSETS_TABLE = "_beeorm_async_offsets";

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ── databases ─────────────────────────────────────────────────────────────────────────────────

export interface Databases {
  readonly names: { readonly default: string; readonly audit: string };
  /** Plain-SQL connection, `USE`s the default database. */
  readonly admin: mysql.Connection;
  /** Pool URLs on the shared server (or through `server`, e.g. a proxy). */
  urls(server?: string): { default: string; audit: string };
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** Fresh databases (one per MySQL pool of the example schema) from generated/schema.sql. */
export async function createDatabases(name: string): Promise<Databases> {
  const suffix = randomBytes(4).toString("hex");
  const names = { default: `beeorm_as_${name}_${suffix}`, audit: `beeorm_as_${name}_audit_${suffix}` };
  const admin = await mysql.createConnection({ uri: MYSQL_SERVER, multipleStatements: true, dateStrings: true });
  const ddl = readFileSync(new URL("../../generated/schema.sql", import.meta.url), "utf8");
  for (const section of ddl.split(/^-- pool: /m).slice(1)) {
    const pool = section.slice(0, section.indexOf("\n")).trim() as keyof typeof names;
    await admin.query(`CREATE DATABASE \`${names[pool]}\`; USE \`${names[pool]}\`; ${section.slice(section.indexOf("\n"))}`);
  }
  await admin.query(`USE \`${names.default}\``);
  return {
    names,
    admin,
    urls: (server = MYSQL_SERVER) => ({ default: `${server}/${names.default}`, audit: `${server}/${names.audit}` }),
    async rows(sql, params = []) {
      const [rows] = await admin.query(sql, params);
      return rows as Record<string, unknown>[];
    },
    async drop() {
      for (const db of Object.values(names)) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}

// ── engines ───────────────────────────────────────────────────────────────────────────────────

export interface EngineConfig {
  readonly mysql: { readonly default: string; readonly audit: string };
  /** One Redis URL for both pools of the schema (they differ by namespace). */
  readonly redis: string;
  /** Replaces the namespaces of the schema's Redis pools: `default` → ns, `sessions` → `${ns}-sessions`. */
  readonly namespace?: string;
}

/** An engine of the example schema on the given pools. */
export function buildEngine(config: EngineConfig): Promise<Engine<Orm>> {
  const options = { mysql: config.mysql, redis: { default: config.redis, sessions: config.redis } };
  if (config.namespace === undefined) return createEngine(options);
  const ns = config.namespace;
  return Engine.create(
    {
      ...schema,
      redisPools: {
        default: { ...schema.redisPools.default!, namespace: ns },
        sessions: { ...schema.redisPools.sessions!, namespace: `${ns}-sessions` },
      },
    },
    (e) => new Orm(e),
    options,
  );
}

/** The namespaces of the example schema's Redis pools. */
export const NAMESPACES = { default: "shop", sessions: "shop-sessions" } as const;

// ── queue state, read from Redis directly ─────────────────────────────────────────────────────

/** `<ns>:{q:<queue>}` */
export function queueTag(namespace: string, queue: string): string {
  return `${namespace === "" ? "" : `${namespace}:`}{q:${queue}}`;
}

export type StreamEntry = [id: string, fields: string[]];

export function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

export interface QueueSnapshot {
  /** Entries per partition stream. */
  readonly pending: number[];
  /** XINFO last-generated-id per partition ("0-0" when the stream does not exist). */
  readonly lastIds: string[];
  readonly dead: StreamEntry[];
  readonly held: string[];
}

export async function queueSnapshot(redis: Redis, namespace: string, queue: string): Promise<QueueSnapshot> {
  const tag = queueTag(namespace, queue);
  const pending: number[] = [];
  const lastIds: string[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    pending.push(await redis.xlen(`${tag}:${p}`));
    const exists = await redis.exists(`${tag}:${p}`);
    if (exists === 0) lastIds.push("0-0");
    else {
      const info = (await redis.xinfo("STREAM", `${tag}:${p}`)) as unknown[];
      lastIds.push(String(info[info.indexOf("last-generated-id") + 1]));
    }
  }
  const dead = (await redis.xrange(`${tag}:dead`, "-", "+")) as StreamEntry[];
  const held = await redis.smembers(`${tag}:held`);
  return { pending, lastIds, dead, held };
}

/** The offsets table as a map partition → last_id, for one queue. */
export async function offsets(db: { rows: Databases["rows"] }, queue: string, database?: string): Promise<Map<number, string>> {
  const table = database === undefined ? `\`${OFFSETS_TABLE}\`` : `\`${database}\`.\`${OFFSETS_TABLE}\``;
  const rows = await db.rows(`SELECT \`partition\` AS p, last_id FROM ${table} WHERE queue = ?`, [queue]);
  // Rows at "0-0" are created by a consumer's start-up for every partition: nothing applied there yet.
  return new Map(rows.filter((r) => String(r.last_id) !== "0-0").map((r) => [Number(r.p), String(r.last_id)]));
}

export function compareStreamIds(a: string, b: string): number {
  const [msA = 0, seqA = 0] = a.split("-").map(Number);
  const [msB = 0, seqB = 0] = b.split("-").map(Number);
  return msA - msB || seqA - seqB;
}

/** Every stream of the namespace's queues is empty, no dead letters, nothing held; offsets equal the streams' last ids. */
export async function expectQueueDrained(
  redis: Redis,
  db: { rows: Databases["rows"] },
  namespace: string,
  queue: string,
  database?: string,
): Promise<{ snapshot: QueueSnapshot; offsets: Map<number, string> }> {
  const snapshot = await queueSnapshot(redis, namespace, queue);
  const problems: string[] = [];
  const saved = await offsets(db, queue, database);
  for (let p = 0; p < PARTITIONS; p++) {
    if (snapshot.pending[p] === 0) continue;
    const entries = (await redis.xrange(`${queueTag(namespace, queue)}:${p}`, "-", "+")) as StreamEntry[];
    const offset = saved.get(p) ?? "0-0";
    const applied = entries.filter(([id]) => compareStreamIds(id, offset) <= 0).length;
    problems.push(
      `partition ${p}: ${entries.length} entries left in the stream (${entries[0]![0]} … ${entries.at(-1)![0]}), ` +
        `${applied} of them at or before the saved offset ${offset} (applied but never trimmed), ${entries.length - applied} not applied`,
    );
  }
  if (snapshot.dead.length > 0) problems.push(`dead letters: ${JSON.stringify(snapshot.dead.slice(0, 3))}`);
  if (snapshot.held.length > 0) problems.push(`held rows: ${snapshot.held.join(",")}`);
  for (let p = 0; p < PARTITIONS; p++) {
    const last = snapshot.lastIds[p]!;
    if (last === "0-0") continue;
    if (saved.get(p) !== last) problems.push(`partition ${p}: offset ${saved.get(p)} but the stream's last id is ${last}`);
  }
  if (problems.length > 0) throw new Error(`queue ${namespace}/${queue} not drained cleanly:\n  ${problems.join("\n  ")}`);
  return { snapshot, offsets: saved };
}

// ── a TCP proxy the test controls ─────────────────────────────────────────────────────────────

/**
 * Forwards 127.0.0.1:<port> to a target. `cut()` destroys every connection and stops
 * listening (new connections are refused, as by a server that is down); `restore()` listens on
 * the same port again. `onClientData` sees each chunk a client sends before it is forwarded; when
 * it returns "cut-after-reply" the chunk is forwarded, and the server's reply to it is swallowed
 * and the proxy cut (a connection lost after the server executed a statement, e.g. a COMMIT,
 * before the client heard back).
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private refusing = false;
  port = 0;
  /** Connections accepted while not refusing. */
  accepted = 0;
  onClientData: ((chunk: Buffer) => "cut-after-reply" | void) | undefined;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  private accept(client: net.Socket): void {
    client.on("error", () => undefined);
    if (this.refusing) {
      client.destroy();
      return;
    }
    this.accepted++;
    const upstream = net.connect(this.targetPort, this.targetHost);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    this.sockets.add(client);
    this.sockets.add(upstream);
    const forget = (): void => {
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", forget);
    upstream.on("close", forget);
    let dropReply = false;
    client.on("data", (chunk: Buffer) => {
      if (this.onClientData?.(chunk) === "cut-after-reply") dropReply = true;
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!dropReply) {
        client.write(chunk);
        return;
      }
      // The server has answered (e.g. COMMIT succeeded): the client never learns it.
      this.cut();
    });
  }

  /** Drops every connection and stops listening (clients get ECONNREFUSED) until `restore()`. */
  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.server?.close();
    this.server = undefined;
  }

  /** Listens again on the same port. */
  async restore(): Promise<void> {
    this.refusing = false;
    if (this.server !== undefined) return;
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  get connections(): number {
    return this.sockets.size / 2;
  }

  close(): void {
    this.cut();
  }
}

// ── a private redis-server (for restarts and for tests that need a Redis of their own) ────────

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A redis-server child process with AOF (appendfsync always) in a temporary directory. */
export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), "beeorm-redis-"));
  private process: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--dir", this.dir, "--logfile", join(this.dir, "redis.log")],
      { stdio: "ignore" },
    );
    this.process = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === "PONG") {
          probe.disconnect();
          return;
        }
      } catch {
        // not up yet
      }
      probe.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start (exit ${child.exitCode})`);
      await sleep(25);
    }
  }

  /** Stops the server with SIGTERM (a clean shutdown that flushes the AOF) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ── the consumer as a child process ───────────────────────────────────────────────────────────

export interface ConsumerConfig {
  readonly mysql: { readonly default: string; readonly audit: string };
  readonly redis: string;
  readonly namespace?: string;
  readonly consume: { readonly batchSize?: number; readonly leaseMs?: number; readonly workers?: number };
  /** Print one `offset` line per offset the consumer saves (queue, partition, last id). */
  readonly logOffsets?: boolean;
  /**
   * SIGKILL itself at an exact instant of its `batch`-th transaction (1-based; with `workers: 1`
   * each transaction holds one batch): "before-commit" once the batch's rows and offset are
   * written but before COMMIT is sent, "after-commit" as soon as
   * COMMIT succeeded (before the stream is trimmed). "freeze-before-commit": SIGSTOP itself
   * there instead (a process paused by GC, swap or a VM freeze); the test SIGCONTs it.
   */
  readonly crash?: { readonly at: "before-commit" | "after-commit" | "freeze-before-commit"; readonly batch: number };
}

const FIXTURE = fileURLToPath(new URL("./fixtures/consumer.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A running consumer child process (test/async/fixtures/consumer.ts). */
export class ConsumerProcess {
  private static readonly running = new Set<ConsumerProcess>();

  /** SIGKILLs every consumer child still running (after a failed test) and waits for them; call in afterEach. */
  static async killAll(): Promise<void> {
    const running = [...ConsumerProcess.running];
    for (const consumer of running) {
      consumer.kill("SIGCONT");
      consumer.kill("SIGKILL");
    }
    await Promise.all(running.map((c) => c.exited));
  }

  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly ready: Promise<void>;
  private readonly waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  constructor(config: ConsumerConfig) {
    this.child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
      cwd: ROOT,
      env: { ...process.env, BEEORM_CONSUMER_CONFIG: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffered = "";
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        this.lines.push(line);
        for (const waiter of [...this.waiters]) {
          if (waiter.test(line)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => this.stderr.push(chunk));
    ConsumerProcess.running.add(this);
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => {
        ConsumerProcess.running.delete(this);
        resolve({ code, signal });
      }),
    );
    this.ready = Promise.race([
      this.line((l) => l === "ready").then(() => undefined),
      this.exited.then((e) => {
        throw new Error(`consumer exited before it was ready (${JSON.stringify(e)}): ${this.stderr.join("")}`);
      }),
    ]);
    this.ready.catch(() => undefined);
  }

  /** Resolves with the first line (already printed or still to come) that passes `test`. */
  line(test: (line: string) => boolean): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Offsets the child saved: [queue, partition, lastId] (needs `logOffsets`). */
  savedOffsets(): [string, number, string][] {
    return this.lines.filter((l) => l.startsWith("offset ")).map((l) => JSON.parse(l.slice(7)) as [string, number, string]);
  }
}

// ── misc ──────────────────────────────────────────────────────────────────────────────────────

/** A deterministic pseudo-random generator (mulberry32), so a failing run can be replayed with its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns the elapsed ms or throws. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 10): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
