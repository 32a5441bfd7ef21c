import { EventEmitter } from 'node:events';
import { envelopeProblems, MessageEnvelope, Topology } from '@projectionist/messaging-contracts';
import { BrokerStatus, MessageHandler, QueueKind, Subscription } from './broker.port';
import { inSpan, SpanKind } from '@projectionist/tracing';

/** A registered consumer; `attached` is what the current connection knows it by. */
export interface BrokerConsumer<TAttached> {
  readonly kind: QueueKind;
  readonly handler: MessageHandler;
  attached?: TAttached;
}

/** How a delivered message is settled. */
export type Settlement = 'ack' | 'requeue' | 'drop';

/** Commands and the leader's events stay queued for the next attempt; control and private copies are not worth keeping. */
export function isDurable(kind: QueueKind): boolean {
  return kind === 'commands' || kind === 'coordinator-events';
}

/** The queue a consumer of `kind` reads; `undefined` for `events`, which gets a private queue per consumer. */
export function sharedQueueOf(kind: QueueKind, topology: Topology, nodeId: string): string | undefined {
  if (kind === 'commands') return topology.coordinatorCommands;
  if (kind === 'coordinator-events') return topology.coordinatorEvents;
  if (kind === 'control') return topology.controlQueueOf(nodeId);
  return undefined;
}

/**
 * What every MessageBroker implementation shares, whatever carries the messages: the status
 * and its events, the consumers that are set up again after each reconnection, and what a
 * delivery comes to (an invalid envelope is reported and dropped; a handler's failure requeues
 * on the durable queues).
 */
export abstract class BrokerBase<TAttached> extends EventEmitter {
  protected state: BrokerStatus = 'disconnected';
  protected readonly consumers: BrokerConsumer<TAttached>[] = [];

  get status(): BrokerStatus {
    return this.state;
  }

  /** Registers a handler, now and after every reconnection. */
  async consume(kind: QueueKind, handler: MessageHandler): Promise<Subscription> {
    const consumer: BrokerConsumer<TAttached> = { kind, handler };
    this.consumers.push(consumer);
    await this.attachIfConnected(consumer);
    return {
      cancel: async () => {
        const index = this.consumers.indexOf(consumer);
        if (index >= 0) this.consumers.splice(index, 1);
        await this.detach(consumer);
      },
    };
  }

  /** Sets the consumer up on the current connection, if there is one. */
  protected abstract attachIfConnected(consumer: BrokerConsumer<TAttached>): Promise<void>;
  /** Takes the consumer off the current connection. */
  protected abstract detach(consumer: BrokerConsumer<TAttached>): Promise<void>;

  /** Parses and checks the envelope, runs the handler, and says how to settle. */
  protected async deliver(consumer: BrokerConsumer<TAttached>, body: string): Promise<Settlement> {
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      message = undefined;
    }
    const problems = envelopeProblems(message);
    if (problems.length > 0) {
      this.emit('invalid', { problems, content: body.slice(0, 200) });
      return 'ack';
    }
    try {
      await processed(consumer.kind, message as MessageEnvelope, () => consumer.handler(message as MessageEnvelope));
      return 'ack';
    } catch (error) {
      this.emitError(error as Error);
      return isDurable(consumer.kind) ? 'requeue' : 'drop';
    }
  }

  protected setStatus(status: BrokerStatus): void {
    if (this.state === status) return;
    this.state = status;
    this.emit('status', status);
  }

  protected emitError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

/** Traced, handling a message is a consumer span: the child of its publish when the headers carried one. */
function processed(kind: QueueKind, message: MessageEnvelope, handle: () => Promise<void>): Promise<void> {
  const attributes = { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.message.id': message.messageId, 'projectionist.queue': kind };
  return inSpan(`process ${message.type}`, { kind: SpanKind.CONSUMER, attributes }, handle);
}
