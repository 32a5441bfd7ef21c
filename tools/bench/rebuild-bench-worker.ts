/**
 * What the online-rebuild benchmark's worker processes share (online-rebuild-child and
 * partitioned-rebuild-child), so that each says only what it does differently: a daemon on
 * ActiveProject over a pool of its own, the JSON step lines the parent reads off stdout, and, for
 * the worker holding the lease, the live agent following the head before anything is rebuilt.
 */
import { createEventStorePool, FeedNotifications, PostgresEventStore } from '@projectionist/event-store';
import { ProjectionDaemon } from '@projectionist/projection-daemon';
import { activeProjectProjection } from '@projectionist/projections';
import type { Pool } from 'pg';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** One step of the worker, timed, as a line of JSON for the parent. */
export function say(line: object): void {
  console.log(JSON.stringify({ at: Date.now(), ...line }));
}

export class RebuildBenchWorker {
  readonly pool: Pool;
  readonly daemon: ProjectionDaemon;
  private notifications: FeedNotifications | undefined;

  /** A daemon on ActiveProject as node `nodeId`, not started: a partition's helper builds without it. */
  constructor(
    private readonly namespace: string,
    nodeId: string,
  ) {
    this.pool = createEventStorePool({ connectionString: DATABASE_URL, max: 10 });
    const store = new PostgresEventStore({ pool: this.pool, namespace });
    const silent = { log: () => undefined, warn: () => undefined, error: (m: unknown) => console.error(m) };
    this.daemon = new ProjectionDaemon({ pool: this.pool, store, namespace, nodeId, projections: [activeProjectProjection], logger: silent });
  }

  /**
   * Takes ActiveProject's lease and runs its live agent, woken by the feed's notifications, until
   * it has caught up; then says `ready` and lets `idleMs` pass with nothing rebuilt: the parent's
   * writes measured before the rebuild.
   */
  async followHead(idleMs: number): Promise<void> {
    const name = activeProjectProjection.name;
    const notifications = (this.notifications = new FeedNotifications({ databaseUrl: DATABASE_URL, namespace: this.namespace }));
    notifications.on('appended', () => this.daemon.notifyAppended());
    await notifications.start();
    await this.daemon.start(new Map([[name, await this.daemon.storage.fence.claim(name, 'bench')]]));
    await this.daemon.waitForNonStale({ timeoutMs: 600_000 });
    say({ step: 'ready' });
    await new Promise((resolve) => setTimeout(resolve, idleMs));
  }

  /** Stops the daemon and its notifications if it followed the head, then ends the pool. */
  async close(): Promise<void> {
    if (this.notifications) {
      await this.daemon.stop();
      await this.notifications.close();
    }
    await this.pool.end();
  }
}
