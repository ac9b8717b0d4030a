/**
 * Cross-process local-cache invalidation: after a flush, an engine publishes the ids it changed;
 * every other engine on the same Redis evicts them from its local caches.
 */
import { Redis } from "ioredis";
import { invalidationChannel } from "./keys.js";
import type { RedisPool } from "./redis-pool.js";

/** What an engine needs from its owner. */
interface InvalidationOwner {
  readonly id: string;
  runtimeByName(name: string): { readonly local: { evict(ids: Iterable<number>): void } | undefined } | undefined;
  clearLocalCaches(): void;
}

interface Message {
  /** Sender engine id. */
  readonly from: string;
  /** Entity name → changed ids. */
  readonly changes: Record<string, number[]>;
}

export class Invalidation {
  private subscriber: Redis | undefined;
  private readonly channel: string;

  constructor(
    private readonly owner: InvalidationOwner,
    private readonly publisher: RedisPool,
    private readonly url: string,
  ) {
    this.channel = invalidationChannel(publisher.namespace, publisher.raw.options.db ?? 0);
  }

  /** Subscribes; resolves once messages are being received. */
  async start(): Promise<void> {
    const subscriber = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: null });
    subscriber.on("error", () => {
      // ioredis reconnects (and resubscribes) by itself.
    });
    let ready = false;
    subscriber.on("ready", () => {
      // Changes published while this engine was disconnected were missed: forget everything local.
      if (ready) this.owner.clearLocalCaches();
      ready = true;
    });
    subscriber.on("message", (_channel: string, text: string) => this.receive(text));
    await subscriber.connect();
    await subscriber.subscribe(this.channel);
    this.subscriber = subscriber;
  }

  /** Tells the other engines which ids changed. */
  async publish(changes: Record<string, number[]>): Promise<void> {
    const message: Message = { from: this.owner.id, changes };
    await this.publisher.publish(this.channel, JSON.stringify(message));
  }

  async stop(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber !== undefined) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private receive(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (message.from === this.owner.id || typeof message.changes !== "object") return;
    for (const [entity, ids] of Object.entries(message.changes)) {
      if (Array.isArray(ids)) this.owner.runtimeByName(entity)?.local?.evict(ids);
    }
  }
}
