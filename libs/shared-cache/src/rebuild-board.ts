import { EventEmitter } from 'node:events';
import KeyvRedis, { createClient, Keyv } from '@keyv/redis';
import { opsCounters } from '@projectionist/observability';
import type { RebuildRun, RebuildStateSnapshot } from '@projectionist/rebuild-state';
import { CachedFallback } from './cached-fallback';
import { RebuildBoardFallback, RebuildBoardPort } from './rebuild-board.port';
import { RebuildBoardUnavailableError } from './rebuild-board-unavailable.error';
import { isNewer, loadVerified, sharedSnapshot } from './shared-snapshot';

export interface RebuildBoardOptions extends RebuildBoardFallback {
  readonly redisUrl: string;
  readonly namespace: string;
  /** A publish that Redis has not acknowledged by then fails (the callers go on); default 1000 ms. */
  readonly publishTimeoutMs?: number;
}

// Commands fail at once while disconnected instead of queueing: a caller must never hang on Redis.
const clientOptions = (url: string) => ({
  url,
  disableOfflineQueue: true,
  socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
});
const redisClient = (url: string) => createClient(clientOptions(url));
type RedisClient = ReturnType<typeof redisClient>;

/**
 * The shared state of active rebuilds: a versioned snapshot in Redis through keyv (what a node
 * loads when it starts or reconnects, if PostgreSQL says it is current), changes broadcast with
 * Redis pub/sub, and a local copy on every node for the write-guard's hot path (no Redis round
 * trip per request). While Redis is unreachable the copy is not trusted: answers come from
 * PostgreSQL (cached very briefly), so the guard never opens on a guess.
 *
 * Events: `changed` (RebuildRun[]), `status` ('live' | 'fallback').
 */
export class RebuildBoard extends EventEmitter implements RebuildBoardPort {
  private readonly keyv: Keyv<RebuildStateSnapshot>;
  private subscriber: RedisClient | undefined;
  /** A subscribed connection cannot publish: a second one, for the coordinator. */
  private publisher: RedisClient | undefined;
  private publisherConnected: Promise<void> = Promise.resolve();
  private local: RebuildStateSnapshot | undefined;
  private live = false;
  private liveBefore = false;
  private subscribed = false;
  private closed = false;
  /** Broadcasts received so far: tells a resync that its read may be older than a broadcast. */
  private received = 0;
  private readonly fallback: CachedFallback;
  private readonly key: string;
  private readonly channel: string;

  constructor(private readonly options: RebuildBoardOptions) {
    super();
    this.key = `${options.namespace}:rebuilds:active`;
    this.channel = `${options.namespace}:rebuilds`;
    this.keyv = new Keyv<RebuildStateSnapshot>({ store: new KeyvRedis(clientOptions(options.redisUrl), { throwOnConnectError: false }), namespace: options.namespace, throwOnErrors: true });
    this.keyv.on('error', () => this.setLive(false));
    this.fallback = new CachedFallback(options);
  }

  get isLive(): boolean {
    return this.live;
  }

  async start(): Promise<void> {
    if (this.closed) return;
    const subscriber = redisClient(this.options.redisUrl);
    this.subscriber = subscriber;
    subscriber.on('error', () => this.setLive(false));
    subscriber.on('end', () => this.setLive(false));
    // After every (re)connection: changes may have been missed.
    subscriber.on('ready', () => void this.resync());
    // Not awaited: with Redis down the node starts anyway and answers from the fallback.
    subscriber.connect().catch(() => this.setLive(false));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners('changed');
    for (const client of [this.subscriber, this.publisher]) {
      // A client still connecting (or reconnecting) is dropped: closing would wait for Redis.
      if (client?.isReady) await client.close().catch(() => undefined);
      else if (client?.isOpen) client.destroy();
    }
    await this.keyv.disconnect().catch(() => undefined);
  }

  /**
   * The coordinator's side: store the snapshot, then tell every node. Fails with
   * RebuildBoardUnavailableError (never hangs) while Redis is unreachable.
   */
  async publish(snapshot: RebuildStateSnapshot): Promise<void> {
    // A late caller must not open connections again that nothing would close.
    if (this.closed) throw new RebuildBoardUnavailableError('the board is closed');
    const timeoutMs = this.options.publishTimeoutMs ?? 1_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RebuildBoardUnavailableError(`Redis did not acknowledge it within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.store(snapshot), timeout]);
    } catch (error) {
      if (error instanceof RebuildBoardUnavailableError) throw error;
      throw new RebuildBoardUnavailableError(`Redis: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  private async store(snapshot: RebuildStateSnapshot): Promise<void> {
    await this.keyv.set(this.key, snapshot);
    if (!this.publisher) {
      const publisher = redisClient(this.options.redisUrl);
      publisher.on('error', () => undefined); // reported by the failing publish below
      this.publisher = publisher;
      // Resolves at the first connection (the client keeps retrying); reconnections happen by themselves.
      this.publisherConnected = publisher.connect().then(() => undefined);
    }
    await this.publisherConnected;
    await this.publisher.publish(this.channel, JSON.stringify(snapshot));
  }

  /** Active runs: the local copy while Redis is live, else PostgreSQL. */
  async active(): Promise<RebuildRun[]> {
    return this.live && this.local ? this.local.runs : this.fallback.read();
  }

  /**
   * After every (re)connection the copy is reloaded: from the snapshot in Redis when its version
   * is PostgreSQL's, else from PostgreSQL. A snapshot may predate an outage (the coordinator could
   * not publish meanwhile) or be gone (Redis restarted without persistence); the version check is
   * what keeps such a one from opening the guard. A change broadcast while loading is at least as
   * new as the load, so the load is repeated.
   */
  private async resync(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) return;
    try {
      // The client subscribes again by itself after a reconnection.
      if (!this.subscribed) {
        await subscriber.subscribe(this.channel, (message: string) => {
          this.received += 1;
          this.onBroadcast(message);
        });
        this.subscribed = true;
      }
      for (;;) {
        const before = this.received;
        const loaded = await loadVerified(() => this.keyv.get(this.key), this.options);
        if (this.received !== before) continue;
        // Kept even if older than the copy: the copy is what the outage may have made wrong.
        this.replace(loaded, { force: true });
        break;
      }
      this.setLive(true);
    } catch {
      this.setLive(false);
    }
  }

  private onBroadcast(message: string): void {
    let snapshot: RebuildStateSnapshot | undefined;
    try {
      snapshot = sharedSnapshot(JSON.parse(message));
    } catch {
      snapshot = undefined;
    }
    if (snapshot) return this.replace(snapshot);
    // Something changed, but this broadcast cannot say what (an older node's, without a version):
    // the copy is dropped, so answers come from PostgreSQL until one is loaded again.
    this.local = undefined;
    this.options.fallback().then(
      (durable) => this.replace(durable),
      () => undefined,
    );
  }

  private replace(snapshot: RebuildStateSnapshot, { force = false } = {}): void {
    if (!force && !isNewer(snapshot, this.local)) return;
    this.local = snapshot;
    this.emit('changed', snapshot.runs);
  }

  private setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    if (live && this.liveBefore) opsCounters.redisReconnects.inc();
    if (live) this.liveBefore = true;
    this.emit('status', live ? 'live' : 'fallback');
  }
}
