import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { NODE_REGISTRY, NodeRegistry } from '@projectionist/cluster-nodes';
import { ProjectionStatusReader } from '@projectionist/projection-daemon/status';
import { REBUILD_RUN_STORE, RebuildRunStorePort } from '@projectionist/rebuild-coordinator';
import { REBUILD_BOARD, RebuildBoardPort } from '@projectionist/shared-cache';
import { AdminEvent, diffSnapshot, Fingerprints } from './snapshot-diff';

export const STREAM_INTERVAL_MS = 500;
const RECENT_RUNS = 20;

export interface StreamClient {
  send(events: readonly AdminEvent[]): void;
  /** Ends the response, so that a shutting-down server is not held open by listeners. */
  end(): void;
}

/**
 * Feeds GET /api/admin/stream: one loop per gateway however many clients listen. It reads the
 * projections, recent rebuild runs and nodes twice a second, and at once when the shared rebuild
 * state changes, and sends each client only what changed (a new client first gets everything).
 */
@Injectable()
export class AdminEventStream implements BeforeApplicationShutdown {
  private readonly clients = new Set<StreamClient>();
  private readonly logger = new Logger('AdminEventStream');
  private fingerprints: Fingerprints = new Map();
  private snapshot: AdminEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private subscribing = 0;
  private ticking: Promise<void> | undefined;
  private readonly onBoardChanged = () => void this.tick();

  constructor(
    @Inject(REBUILD_RUN_STORE) private readonly runs: RebuildRunStorePort,
    @Inject(NODE_REGISTRY) private readonly nodes: NodeRegistry,
    @Inject(REBUILD_BOARD) private readonly board: RebuildBoardPort,
    private readonly projections: ProjectionStatusReader,
  ) {}

  async subscribe(client: StreamClient): Promise<() => void> {
    // Counted from the start: the loop serves clients still on their first read too, so that
    // one leaving meanwhile does not stop it, and two arriving at once start it once.
    this.subscribing++;
    this.startLoop();
    try {
      await this.tick();
    } finally {
      this.subscribing--;
    }
    client.send(this.snapshot);
    this.clients.add(client);
    return () => {
      this.clients.delete(client);
      this.stopLoopWhenIdle();
    };
  }

  beforeApplicationShutdown(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
    this.stopLoop();
  }

  private startLoop(): void {
    if (this.timer) return;
    this.fingerprints = new Map();
    this.timer = setInterval(() => void this.tick(), STREAM_INTERVAL_MS);
    this.board.on('changed', this.onBoardChanged);
  }

  private stopLoopWhenIdle(): void {
    if (this.clients.size === 0 && this.subscribing === 0) this.stopLoop();
  }

  private stopLoop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.board.off('changed', this.onBoardChanged);
  }

  /** One read at a time: a tick asked for while one runs joins it. */
  private tick(): Promise<void> {
    this.ticking ??= this.read().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async read(): Promise<void> {
    try {
      const [projections, runs, nodes] = await Promise.all([this.projections.list(), this.runs.list(RECENT_RUNS), this.nodes.list()]);
      const parts = [
        diffSnapshot('projection', this.fingerprints, projections, (p) => p.name, ({ reportedAt: _, ...rest }) => rest),
        diffSnapshot('rebuild', this.fingerprints, runs, (r) => r.id),
        diffSnapshot('node', this.fingerprints, nodes, (n) => n.nodeId, (n) => [n.role, n.status, n.details]),
      ];
      const changed = parts.flatMap((p) => p.events);
      this.fingerprints = new Map(parts.flatMap((p) => [...p.fingerprints]));
      this.snapshot = [
        ...projections.map((data) => ({ event: 'projection' as const, data })),
        ...runs.map((data) => ({ event: 'rebuild' as const, data })),
        ...nodes.map((data) => ({ event: 'node' as const, data })),
      ];
      if (changed.length > 0) for (const client of this.clients) client.send(changed);
    } catch (error) {
      this.logger.warn(`could not read the cluster state: ${(error as Error).message}`);
    }
  }
}
