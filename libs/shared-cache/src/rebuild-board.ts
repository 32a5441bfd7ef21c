import { EventEmitter } from 'node:events';
import KeyvRedis, { createClient, Keyv } from '@keyv/redis';
import type { RebuildRun } from '@projectionist/rebuild-state';

export interface RebuildBoardOptions {
  readonly redisUrl: string;
  readonly namespace: string;
  /** The durable truth (PostgreSQL), read when Redis cannot be trusted. */
  readonly fallback: () => Promise<RebuildRun[]>;
  /** How long a fallback answer is reused; default 250 ms. */
  readonly fallbackTtlMs?: number;
}

const redisClient = (url: string) =>
  createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) } });
type RedisClient = ReturnType<typeof redisClient>;

/**
 * The shared state of active rebuilds: a snapshot in Redis through keyv, changes broadcast with
 * Redis pub/sub, and a local copy on every node for the write-guard's hot path (no Redis round
 * trip per request). While Redis is unreachable the copy is not trusted: answers come from
 * PostgreSQL (cached very briefly), so the guard never opens on a guess.
 *
 * Events: `changed` (RebuildRun[]), `status` ('live' | 'fallback').
 */
export class RebuildBoard extends EventEmitter {
  private readonly keyv: Keyv<RebuildRun[]>;
  private subscriber: RedisClient | undefined;
  /** A subscribed connection cannot publish: a second one, for the coordinator. */
  private publisher: RedisClient | undefined;
  private local: RebuildRun[] = [];
  private live = false;
  private fallbackCache: { at: number; runs: Promise<RebuildRun[]> } | undefined;
  private readonly key: string;
  private readonly channel: string;

  constructor(private readonly options: RebuildBoardOptions) {
    super();
    this.key = `${options.namespace}:rebuilds:active`;
    this.channel = `${options.namespace}:rebuilds`;
    this.keyv = new Keyv<RebuildRun[]>({ store: new KeyvRedis(options.redisUrl, { throwOnConnectError: false }), namespace: options.namespace, throwOnErrors: true });
    this.keyv.on('error', () => this.setLive(false));
  }

  get isLive(): boolean {
    return this.live;
  }

  async start(): Promise<void> {
    const subscriber = redisClient(this.options.redisUrl);
    this.subscriber = subscriber;
    subscriber.on('error', () => this.setLive(false));
    subscriber.on('end', () => this.setLive(false));
    // After every (re)connection: listen again and reload the snapshot, changes may have been missed.
    subscriber.on('ready', () => void this.resync());
    // Not awaited: with Redis down the node starts anyway and answers from the fallback.
    subscriber.connect().catch(() => this.setLive(false));
  }

  async close(): Promise<void> {
    this.removeAllListeners('changed');
    for (const client of [this.subscriber, this.publisher]) {
      if (client?.isOpen) await client.close().catch(() => undefined);
      else client?.destroy();
    }
    await this.keyv.disconnect().catch(() => undefined);
  }

  /** The coordinator's side: store the snapshot, then tell every node. */
  async publish(active: RebuildRun[]): Promise<void> {
    await this.keyv.set(this.key, active);
    if (!this.publisher) {
      this.publisher = redisClient(this.options.redisUrl);
      this.publisher.on('error', () => undefined); // reported by the failing publish below
      await this.publisher.connect();
    }
    await this.publisher.publish(this.channel, JSON.stringify(active));
  }

  /** Active runs: the local copy while Redis is live, else PostgreSQL. */
  async active(): Promise<RebuildRun[]> {
    if (this.live) return this.local;
    const now = Date.now();
    if (!this.fallbackCache || now - this.fallbackCache.at > (this.options.fallbackTtlMs ?? 250)) {
      this.fallbackCache = { at: now, runs: this.options.fallback() };
    }
    return this.fallbackCache.runs;
  }

  private async resync(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) return;
    try {
      await subscriber.subscribe(this.channel, (message: string) => this.replace(JSON.parse(message) as RebuildRun[]));
      this.replace((await this.keyv.get(this.key)) ?? []);
      this.setLive(true);
    } catch {
      this.setLive(false);
    }
  }

  private replace(runs: RebuildRun[]): void {
    this.local = runs;
    this.emit('changed', runs);
  }

  private setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    this.emit('status', live ? 'live' : 'fallback');
  }
}
