import { advisoryLockArgs, ConnectionKeepAlive, deadPeerTimeoutMs, keepAliveClientConfig, serverKeepAliveSql } from '@projectionist/event-store';
import { Client } from 'pg';

export interface DaemonLockOptions {
  /**
   * TCP keepalive on both ends of the lock connection; unset: the OS defaults, under which the
   * server keeps a vanished host's lock for hours. With it the server ends that session, and so
   * frees the lock, `deadPeerTimeoutMs` after the host's last packet.
   */
  readonly keepAlive?: ConnectionKeepAlive;
}

/** A check never waits less than this, so a slow but live server is not taken for a lost lock. */
const MIN_CHECK_TIMEOUT_MS = 5_000;

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
    private readonly options: DaemonLockOptions = {},
  ) {}

  /** True when this node now holds the lock; `onLost` fires once if the connection ends later. */
  async tryAcquire(onLost: (reason: string) => void): Promise<boolean> {
    const { keepAlive } = this.options;
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: `${this.namespace}:${this.role}-lock:${this.nodeId}`,
      ...(keepAlive ? keepAliveClientConfig(keepAlive) : {}),
      // Once the server has had time to drop a session it cannot reach, a check still unanswered
      // means this node may no longer hold the lock: it steps down rather than wait on TCP.
      ...(keepAlive ? { query_timeout: Math.max(MIN_CHECK_TIMEOUT_MS, 2 * deadPeerTimeoutMs(keepAlive)) } : {}),
    });
    client.on('error', () => undefined); // reported through 'end' below
    await client.connect();
    try {
      if (keepAlive) await client.query(serverKeepAliveSql(keepAlive));
      const { rows } = await client.query(`SELECT pg_try_advisory_lock(${advisoryLockArgs('election', '$1')}) AS locked`, [`${this.namespace}:${this.role}`]);
      if (!rows[0].locked) {
        await client.end();
        return false;
      }
    } catch (error) {
      void client.end().catch(() => undefined); // a session that may hold the lock is ended, not left open
      throw error;
    }
    this.client = client;
    this.lost = onLost;
    client.on('end', () => this.markLost('lock connection ended'));
    return true;
  }

  /** A cheap round trip on the lock connection; a dead or unanswering one is reported as lost. */
  async check(): Promise<void> {
    const client = this.client;
    try {
      await client?.query('SELECT 1');
    } catch (error) {
      this.markLost(`lock connection failed: ${(error as Error).message}`);
      // Not awaited: over a dead network the goodbye would wait on TCP retransmissions.
      void client?.end().catch(() => undefined);
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
