import { advisoryLockArgs } from '@projectionist/event-store';
import { Client } from 'pg';

/**
 * An election lock (the HotCold daemon's, the coordinator's leadership): a session advisory lock
 * held on a dedicated connection. PostgreSQL releases
 * it the moment that connection ends (process killed, network gone), which is what lets a
 * standby take over within one retry interval.
 */
export class DaemonLock {
  private client: Client | undefined;
  private lost: ((reason: string) => void) | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly namespace: string,
    private readonly nodeId: string,
    /** What the lock elects: the daemon's active worker by default, or e.g. the coordinator leader. */
    private readonly role = 'daemon',
  ) {}

  /** True when this node now holds the lock; `onLost` fires once if the connection ends later. */
  async tryAcquire(onLost: (reason: string) => void): Promise<boolean> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: `${this.namespace}:${this.role}-lock:${this.nodeId}` });
    client.on('error', () => undefined); // reported through 'end' below
    await client.connect();
    const { rows } = await client.query(`SELECT pg_try_advisory_lock(${advisoryLockArgs('election', '$1')}) AS locked`, [`${this.namespace}:${this.role}`]);
    if (!rows[0].locked) {
      await client.end();
      return false;
    }
    this.client = client;
    this.lost = onLost;
    client.on('end', () => this.markLost('lock connection ended'));
    return true;
  }

  /** A cheap round trip on the lock connection; a dead one is reported as lost. */
  async check(): Promise<void> {
    try {
      await this.client?.query('SELECT 1');
    } catch (error) {
      this.markLost(`lock connection failed: ${(error as Error).message}`);
    }
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.lost = undefined;
    await client?.end().catch(() => undefined);
  }

  private markLost(reason: string): void {
    const lost = this.lost;
    this.lost = undefined;
    this.client = undefined;
    lost?.(reason);
  }
}
