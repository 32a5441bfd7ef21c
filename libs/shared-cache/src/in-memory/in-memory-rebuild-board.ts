import { EventEmitter } from 'node:events';
import type { RebuildRun } from '@projectionist/rebuild-state';
import { CachedFallback } from '../cached-fallback';
import { RebuildBoardFallback, RebuildBoardPort } from '../rebuild-board.port';
import { RebuildBoardUnavailableError } from '../rebuild-board-unavailable.error';

/**
 * What Redis is to RebuildBoard, in memory: snapshots by key, a broadcast per namespace, and the
 * failure switches. `goOffline()` is Redis stopping (every board falls back, publishing fails);
 * `goOnline()` is Redis back empty, as a restart without persistence leaves it.
 */
export class InMemoryBoardServer {
  private readonly snapshots = new Map<string, string>();
  private readonly boards = new Set<InMemoryRebuildBoard>();
  private up = true;

  get online(): boolean {
    return this.up;
  }

  /** The stored snapshot of a namespace, as operators' tools would read it from Redis. */
  snapshot(namespace: string): RebuildRun[] | undefined {
    const stored = this.snapshots.get(namespace);
    return stored === undefined ? undefined : (JSON.parse(stored) as RebuildRun[]);
  }

  goOffline(): void {
    this.up = false;
    this.snapshots.clear();
    for (const board of this.boards) board.disconnected();
  }

  goOnline(): void {
    this.up = true;
    for (const board of this.boards) board.connected();
  }

  attach(board: InMemoryRebuildBoard): void {
    this.boards.add(board);
  }

  detach(board: InMemoryRebuildBoard): void {
    this.boards.delete(board);
  }

  /** Stores, then broadcasts to every board of the namespace (the publisher's own included, as with pub/sub). */
  publish(namespace: string, runs: RebuildRun[]): void {
    if (!this.up) throw new RebuildBoardUnavailableError('Redis: the client is offline');
    const text = JSON.stringify(runs);
    this.snapshots.set(namespace, text);
    for (const board of this.boards) {
      // Delivered later, as over a network.
      if (board.namespace === namespace) setImmediate(() => board.received(text));
    }
  }
}

export interface InMemoryRebuildBoardOptions extends RebuildBoardFallback {
  readonly server: InMemoryBoardServer;
  readonly namespace: string;
}

/**
 * RebuildBoard in memory, held to the same `rebuildBoardContract`: a local copy kept by
 * broadcasts while the server is up, the durable fallback while it is not, and a reload from the
 * fallback (never from the snapshot) every time it connects.
 */
export class InMemoryRebuildBoard extends EventEmitter implements RebuildBoardPort {
  private local: RebuildRun[] = [];
  private live = false;
  private started = false;
  private closed = false;
  /** Broadcasts received so far: tells a resync that its read may be older than a broadcast. */
  private broadcasts = 0;
  private readonly fallback: CachedFallback;

  constructor(private readonly options: InMemoryRebuildBoardOptions) {
    super();
    this.fallback = new CachedFallback(options);
  }

  get namespace(): string {
    return this.options.namespace;
  }

  get isLive(): boolean {
    return this.live;
  }

  async start(): Promise<void> {
    if (this.closed || this.started) return;
    this.started = true;
    this.options.server.attach(this);
    if (this.options.server.online) this.connected();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners('changed');
    this.options.server.detach(this);
    this.setLive(false);
  }

  async publish(active: RebuildRun[]): Promise<void> {
    if (this.closed) throw new RebuildBoardUnavailableError('the board is closed');
    this.options.server.publish(this.options.namespace, active);
  }

  async active(): Promise<RebuildRun[]> {
    return this.live ? this.local : this.fallback.read();
  }

  /** @internal The server is reachable again: reload from the durable truth, then go live. */
  connected(): void {
    // As a client's connection completes: later, not inside the switch that caused it.
    setImmediate(() => void this.resync());
  }

  /** @internal The server went away. */
  disconnected(): void {
    this.setLive(false);
  }

  /** @internal A broadcast of the namespace. */
  received(text: string): void {
    if (this.closed || !this.options.server.online) return;
    this.broadcasts += 1;
    this.replace(JSON.parse(text) as RebuildRun[]);
  }

  /** As RebuildBoard's: a broadcast that arrives during the durable read is at least as new, so the read is repeated. */
  private async resync(): Promise<void> {
    try {
      for (;;) {
        if (this.closed || !this.options.server.online) return;
        const before = this.broadcasts;
        const durable = await this.options.fallback();
        if (this.broadcasts !== before) continue;
        if (this.closed || !this.options.server.online) return;
        this.replace(durable);
        break;
      }
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
