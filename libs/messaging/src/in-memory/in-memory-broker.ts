import { MessageEnvelope, Topology } from '@projectionist/messaging-contracts';
import { BrokerBase, BrokerConsumer, isDurable, sharedQueueOf } from '../broker-base';
import { MessageBroker } from '../broker.port';
import { BrokerUnavailableError } from '../broker-unavailable.error';
import { Delivery, InMemoryBrokerServer, ServerConnection, ServerConsumer } from './in-memory-broker-server';

export interface InMemoryBrokerOptions {
  /** The broker this node connects to; share one between the nodes of a test. */
  readonly server: InMemoryBrokerServer;
  readonly topology: Topology;
  readonly nodeId: string;
  /** Delay between reconnection attempts; default 10 ms. */
  readonly reconnectDelayMs?: number;
}

/** On the current connection; set up again after every reconnection. */
type Consumer = BrokerConsumer<{ consumer: ServerConsumer; privateQueue?: string }>;

/**
 * A node's broker in memory, with the topology and the reconnection behaviour of AmqpBroker
 * (held to the same `brokerContract`), and failure switches for tests:
 * - `dropConnection()`: the server closes this node's connection; unsettled messages of the
 *   durable queues are redelivered, the node reconnects and sets its consumers up again;
 * - `goOffline()` / `goOnline()`: the node cannot reach the broker until told otherwise; every
 *   publish meanwhile fails at once with BrokerUnavailableError.
 */
export class InMemoryBroker extends BrokerBase<{ consumer: ServerConsumer; privateQueue?: string }> implements MessageBroker {
  private connection: ServerConnection | undefined;
  private offline = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: InMemoryBrokerOptions) {
    super();
  }

  async start(): Promise<void> {
    this.connect();
  }

  async close(): Promise<void> {
    this.setStatus('closed');
    clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    if (connection) this.options.server.close(connection);
  }

  dropConnection(): void {
    if (this.connection) this.options.server.drop(this.connection);
  }

  goOffline(): void {
    this.offline = true;
    this.dropConnection();
  }

  goOnline(): void {
    this.offline = false;
    if (this.state === 'disconnected') {
      clearTimeout(this.timer);
      this.connect();
    }
  }

  protected async attachIfConnected(consumer: Consumer): Promise<void> {
    if (this.connection) this.attach(this.connection, consumer);
  }

  async sendCommand(message: MessageEnvelope): Promise<void> {
    this.options.server.publish(this.requireConnection(), '', this.options.topology.coordinatorCommands, JSON.stringify(message));
  }

  async sendControl(target: 'all' | string, message: MessageEnvelope): Promise<void> {
    this.options.server.publish(this.requireConnection(), this.options.topology.controlExchange, target === 'all' ? 'all' : `node.${target}`, JSON.stringify(message));
  }

  async publishEvent(message: MessageEnvelope): Promise<void> {
    this.options.server.publish(this.requireConnection(), this.options.topology.eventsExchange, message.type, JSON.stringify(message));
  }

  private connect(): void {
    if (this.state === 'closed') return;
    this.setStatus('connecting');
    if (this.offline) {
      this.emitError(new Error(`${this.options.nodeId} cannot reach the broker (offline)`));
      this.scheduleReconnect();
      return;
    }
    const { server, topology: t, nodeId } = this.options;
    const connection = server.open(nodeId, () => this.onClosed(connection));
    // The same declarations as AmqpBroker's, in the same order.
    server.assertQueue(connection, t.coordinatorCommands);
    server.assertQueue(connection, t.coordinatorEvents);
    server.bindQueue(connection, t.coordinatorEvents, t.eventsExchange, '#');
    const control = server.assertQueue(connection, t.controlQueueOf(nodeId), { exclusive: true });
    server.bindQueue(connection, control, t.controlExchange, 'all');
    server.bindQueue(connection, control, t.controlExchange, `node.${nodeId}`);
    this.connection = connection;
    for (const consumer of this.consumers) this.attach(connection, consumer);
    this.setStatus('connected');
  }

  private attach(connection: ServerConnection, consumer: Consumer): void {
    const { server, topology: t, nodeId } = this.options;
    let queue = sharedQueueOf(consumer.kind, t, nodeId);
    let privateQueue: string | undefined;
    if (queue === undefined) {
      // Every subscriber gets every event: an exclusive queue per consumer.
      queue = privateQueue = server.assertQueue(connection, '', { exclusive: true });
      server.bindQueue(connection, queue, t.eventsExchange, '#');
    }
    // AmqpBroker takes the durable queues one message at a time (prefetch 1).
    const prefetch = isDurable(consumer.kind) ? 1 : undefined;
    consumer.attached = { consumer: server.consume(connection, queue, prefetch, (d) => void this.deliverFromServer(consumer, d)), privateQueue };
  }

  protected async detach(consumer: Consumer): Promise<void> {
    const attached = consumer.attached;
    consumer.attached = undefined;
    if (!attached) return;
    this.options.server.cancel(attached.consumer);
    // An auto-delete queue goes with its only consumer.
    if (attached.privateQueue) this.options.server.deleteQueue(attached.privateQueue);
  }

  private async deliverFromServer(consumer: Consumer, delivery: Delivery): Promise<void> {
    const settlement = await this.deliver(consumer, delivery.body);
    this.options.server.settle(delivery, settlement === 'ack' ? 'ack' : settlement === 'requeue');
  }

  private requireConnection(): ServerConnection {
    if (!this.connection || this.state !== 'connected') throw new BrokerUnavailableError(this.state);
    return this.connection;
  }

  private onClosed(connection: ServerConnection): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    for (const consumer of this.consumers) consumer.attached = undefined;
    if (this.state === 'closed') return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed') return;
    this.setStatus('disconnected');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.options.reconnectDelayMs ?? 10);
  }
}
