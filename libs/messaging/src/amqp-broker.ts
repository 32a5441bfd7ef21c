import { ChannelModel, ConfirmChannel, connect, ConsumeMessage } from 'amqplib';
import { MessageEnvelope, Topology } from '@projectionist/messaging-contracts';
import { opsCounters } from '@projectionist/observability';
import { inSpan, SpanKind, traceHeaders, withHeadersContext } from '@projectionist/tracing';
import { BrokerBase, BrokerConsumer, isDurable, sharedQueueOf } from './broker-base';
import { MessageBroker } from './broker.port';
import { BrokerUnavailableError } from './broker-unavailable.error';

export interface AmqpBrokerOptions {
  readonly url: string;
  readonly topology: Topology;
  readonly nodeId: string;
  /** Delay between reconnection attempts; default 500 ms. */
  readonly reconnectDelayMs?: number;
}

/** A consumer is known on its channel by its consumer tag. */
type Consumer = BrokerConsumer<string>;

/**
 * RabbitMQ through amqplib, surviving broker restarts: the topology and every consumer are set
 * up again on each (re)connection, the status is an event, and publishing while disconnected
 * fails at once with BrokerUnavailableError instead of hanging. Commands go to a durable queue
 * as persistent messages with publisher confirms; control messages reach every node (`all`) or
 * one node through its exclusive queue; events go to a topic exchange.
 *
 * Events: `status` (BrokerStatus), `invalid` (a message that is not an envelope, dropped), `error`.
 */
export class AmqpBroker extends BrokerBase<string> implements MessageBroker {
  private model: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private connectedBefore = false;

  constructor(private readonly options: AmqpBrokerOptions) {
    super();
  }

  /** Connects, retrying until the broker answers; resolves after the first successful connection attempt or failure. */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.setStatus('closed');
    clearTimeout(this.timer);
    const model = this.model;
    this.model = undefined;
    this.channel = undefined;
    await model?.close().catch(() => undefined);
  }

  protected async attachIfConnected(consumer: Consumer): Promise<void> {
    if (this.channel) await this.attach(this.channel, consumer);
  }

  protected async detach(consumer: Consumer): Promise<void> {
    if (consumer.attached && this.channel) await this.channel.cancel(consumer.attached).catch(() => undefined);
    consumer.attached = undefined;
  }

  sendCommand(message: MessageEnvelope): Promise<void> {
    return this.published(message, this.options.topology.coordinatorCommands, async (headers) => {
      const channel = this.requireChannel();
      channel.sendToQueue(this.options.topology.coordinatorCommands, toBuffer(message), { persistent: true, messageId: message.messageId, headers });
      await this.confirmed(channel);
    });
  }

  sendControl(target: 'all' | string, message: MessageEnvelope): Promise<void> {
    return this.published(message, this.options.topology.controlExchange, async (headers) => {
      const channel = this.requireChannel();
      channel.publish(this.options.topology.controlExchange, target === 'all' ? 'all' : `node.${target}`, toBuffer(message), { headers });
      await this.confirmed(channel);
    });
  }

  publishEvent(message: MessageEnvelope): Promise<void> {
    return this.published(message, this.options.topology.eventsExchange, async (headers) => {
      const channel = this.requireChannel();
      channel.publish(this.options.topology.eventsExchange, message.type, toBuffer(message), { persistent: true, headers });
      await this.confirmed(channel);
    });
  }

  /** Traced, a publish is a producer span whose context the message carries in its headers (`traceparent`). */
  private published(message: MessageEnvelope, destination: string, publish: (headers: Record<string, string>) => Promise<void>): Promise<void> {
    const attributes = { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.destination.name': destination, 'messaging.message.id': message.messageId };
    return inSpan(`publish ${message.type}`, { kind: SpanKind.PRODUCER, attributes }, () => publish(traceHeaders()));
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    this.setStatus('connecting');
    let model: ChannelModel | undefined;
    try {
      model = await connect(this.options.url, { clientProperties: { connection_name: `${this.options.nodeId}` } });
      model.on('error', (error: Error) => this.emitError(error));
      const opened = model;
      model.on('close', () => this.onClosed(opened));
      const channel = await model.createConfirmChannel();
      channel.on('error', (error: Error) => this.emitError(error));
      await this.declareTopology(channel);
      if (this.closed) throw new Error('closed while connecting');
      this.model = model;
      this.channel = channel;
      for (const consumer of this.consumers) await this.attach(channel, consumer);
      if (this.closed) throw new Error('closed while connecting');
      this.setStatus('connected');
      if (this.connectedBefore) opsCounters.brokerReconnects.inc();
      this.connectedBefore = true;
    } catch (error) {
      // A connection that completes after close() is closed too: left open, it would outlive the broker.
      if (this.closed) {
        this.model = undefined;
        this.channel = undefined;
        await model?.close().catch(() => undefined);
        return;
      }
      this.emitError(error as Error);
      if (model && this.model !== model) await model.close().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  /** Read through a getter: TypeScript would otherwise narrow `state` across the awaits above. */
  private get closed(): boolean {
    return this.state === 'closed';
  }

  private async declareTopology(channel: ConfirmChannel): Promise<void> {
    const t = this.options.topology;
    await channel.assertQueue(t.coordinatorCommands, { durable: true });
    await channel.assertExchange(t.controlExchange, 'topic', { durable: false });
    await channel.assertExchange(t.eventsExchange, 'topic', { durable: true });
    await channel.assertQueue(t.coordinatorEvents, { durable: true });
    await channel.bindQueue(t.coordinatorEvents, t.eventsExchange, '#');
    const control = t.controlQueueOf(this.options.nodeId);
    await channel.assertQueue(control, { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(control, t.controlExchange, 'all');
    await channel.bindQueue(control, t.controlExchange, `node.${this.options.nodeId}`);
  }

  private async attach(channel: ConfirmChannel, consumer: Consumer): Promise<void> {
    const t = this.options.topology;
    let queue = sharedQueueOf(consumer.kind, t, this.options.nodeId);
    if (queue === undefined) {
      // Every subscriber gets every event: an exclusive queue per consumer.
      queue = (await channel.assertQueue('', { exclusive: true, autoDelete: true })).queue;
      await channel.bindQueue(queue, t.eventsExchange, '#');
    }
    if (isDurable(consumer.kind)) await channel.prefetch(1);
    const { consumerTag } = await channel.consume(queue, (raw) => void this.deliverRaw(channel, consumer, raw));
    consumer.attached = consumerTag;
  }

  private async deliverRaw(channel: ConfirmChannel, consumer: Consumer, raw: ConsumeMessage | null): Promise<void> {
    if (!raw) return;
    // The handler runs in the sender's trace, so that its span continues the publisher's.
    const settlement = await withHeadersContext(raw.properties.headers, () => this.deliver(consumer, raw.content.toString()));
    this.settle(channel, () => (settlement === 'ack' ? channel.ack(raw) : channel.nack(raw, false, settlement === 'requeue')));
  }

  /**
   * A handler that finishes after its connection dropped cannot settle: the broker has already
   * requeued the message for the next delivery, and amqplib throws on a closed channel.
   */
  private settle(channel: ConfirmChannel, settle: () => void): void {
    if (channel !== this.channel) return;
    try {
      settle();
    } catch (error) {
      this.emitError(error as Error);
    }
  }

  private requireChannel(): ConfirmChannel {
    if (!this.channel || this.state !== 'connected') throw new BrokerUnavailableError(this.state);
    return this.channel;
  }

  private async confirmed(channel: ConfirmChannel): Promise<void> {
    try {
      await channel.waitForConfirms();
    } catch (error) {
      throw new BrokerUnavailableError(`not confirmed: ${(error as Error).message}`);
    }
  }

  private onClosed(model: ChannelModel): void {
    if (this.model !== model && this.model !== undefined) return;
    this.model = undefined;
    this.channel = undefined;
    if (this.state === 'closed') return;
    this.setStatus('disconnected');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed') return;
    if (this.state !== 'disconnected') this.setStatus('disconnected');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.options.reconnectDelayMs ?? 500);
  }
}

function toBuffer(message: MessageEnvelope): Buffer {
  return Buffer.from(JSON.stringify(message));
}
