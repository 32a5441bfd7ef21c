import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import { ConnectionKeepAlive, keepAliveClientConfig, serverKeepAliveSql } from '../postgres/connection-keepalive';
import { feedChannel, quoteIdentifier } from '../postgres/identifiers';

export interface FeedNotificationsOptions {
  readonly databaseUrl: string;
  readonly namespace: string;
  /** Delay before reconnecting after the connection dropped; default 1000 ms. */
  readonly reconnectDelayMs?: number;
  /**
   * TCP keepalive on both ends; unset: the OS defaults. Without it a vanished peer goes unnoticed:
   * this node waits for notifications that never come (it still polls), and the server keeps the
   * session, whose unread notifications hold the queue's tail for every listener.
   */
  readonly keepAlive?: ConnectionKeepAlive;
}

export type FeedNotificationsStatus = 'connecting' | 'listening' | 'disconnected' | 'closed';

/**
 * LISTENs on the namespace's append channel on a dedicated connection and emits `appended`
 * once per committed append transaction. The connection is rebuilt after it drops; readers
 * must still poll, since notifications sent while disconnected are lost.
 *
 * Events: `appended`, `status` (FeedNotificationsStatus), `error` (Error; only when listened to).
 */
export class FeedNotifications extends EventEmitter {
  private client: Client | undefined;
  private status: FeedNotificationsStatus = 'disconnected';
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FeedNotificationsOptions) {
    super();
  }

  get currentStatus(): FeedNotificationsStatus {
    return this.status;
  }

  async start(): Promise<void> {
    if (this.status === 'closed') throw new Error('FeedNotifications was closed; create a new one');
    this.setStatus('connecting');
    const keepAlive = this.options.keepAlive;
    const client = new Client({
      connectionString: this.options.databaseUrl,
      application_name: `${this.options.namespace}:listen`,
      ...(keepAlive ? keepAliveClientConfig(keepAlive) : {}),
    });
    this.client = client;
    client.on('notification', () => this.emit('appended'));
    client.on('error', (error) => this.onDisconnect(client, error));
    client.on('end', () => this.onDisconnect(client));
    try {
      await client.connect();
      if (keepAlive) await client.query(serverKeepAliveSql(keepAlive));
      await client.query(`LISTEN ${quoteIdentifier(feedChannel(this.options.namespace))}`);
      if (this.client === client && this.status === 'connecting') this.setStatus('listening');
    } catch (error) {
      this.onDisconnect(client, error as Error);
    }
  }

  async close(): Promise<void> {
    this.setStatus('closed');
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private onDisconnect(client: Client, error?: Error): void {
    if (this.client !== client || this.status === 'closed') return;
    this.client = undefined;
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (error && this.listenerCount('error') > 0) this.emit('error', error);
    this.setStatus('disconnected');
    this.reconnectTimer = setTimeout(() => void this.start(), this.options.reconnectDelayMs ?? 1000);
  }

  private setStatus(status: FeedNotificationsStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }
}
