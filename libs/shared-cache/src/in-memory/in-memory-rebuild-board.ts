import { EventEmitter } from 'node:events';
import type { RebuildRun, RebuildStateSnapshot } from '@projectionist/rebuild-state';
import { CachedFallback } from '../cached-fallback';
import { RebuildBoardFallback, RebuildBoardPort } from '../rebuild-board.port';
import { RebuildBoardUnavailableError } from '../rebuild-board-unavailable.error';
import { isNewer, loadVerified, sharedSnapshot } from '../shared-snapshot';

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

  /** The stored snapshot of a namespace, as a node starting reads it from Redis. */
  snapshot(namespace: string): RebuildStateSnapshot | undefined {
    const stored = this.snapshots.get(namespace);
    return stored === undefined ? undefined : sharedSnapshot(JSON.parse(stored));
  }

  /** Stores a snapshot without broadcasting it: what a publish cut short, or an older node, leaves behind. */
  store(namespace: string, snapshot: RebuildStateSnapshot): void {
    this.snapshots.set(namespace, JSON.stringify(snapshot));
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
  publish(namespace: string, snapshot: RebuildStateSnapshot): void {
    if (!this.up) throw new RebuildBoardUnavailableError('Redis: the client is offline');
    const text = JSON.stringify(snapshot);
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
 * broadcasts while the server is up, the durable fallback while it is not, and a reload every
 * time it connects (the stored snapshot if it has the durable version, else the fallback).
 */
export class InMemoryRebuildBoard extends EventEmitter implements RebuildBoardPort {
  private local: RebuildStateSnapshot | undefined;
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

  async publish(snapshot: RebuildStateSnapshot): Promise<void> {
    if (this.closed) throw new RebuildBoardUnavailableError('the board is closed');
    this.options.server.publish(this.options.namespace, snapshot);
  }

  async active(): Promise<RebuildRun[]> {
    return this.live && this.local ? this.local.runs : this.fallback.read();
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
    const snapshot = sharedSnapshot(JSON.parse(text));
    if (snapshot && isNewer(snapshot, this.local)) this.replace(snapshot);
  }

  /** As RebuildBoard's: a broadcast that arrives during the durable read is at least as new, so the read is repeated. */
  private async resync(): Promise<void> {
    try {
      for (;;) {
        if (this.closed || !this.options.server.online) return;
        const before = this.broadcasts;
        const { server, namespace } = this.options;
        const loaded = await loadVerified(async () => server.snapshot(namespace), this.options);
        if (this.broadcasts !== before) continue;
        if (this.closed || !this.options.server.online) return;
        this.replace(loaded);
        break;
      }
      this.setLive(true);
    } catch {
      this.setLive(false);
    }
  }

  private replace(snapshot: RebuildStateSnapshot): void {
    this.local = snapshot;
    this.emit('changed', snapshot.runs);
  }

  private setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    this.emit('status', live ? 'live' : 'fallback');
  }
}
