import type { EnvelopeProblem, MessageEnvelope } from '@projectionist/messaging-contracts';

export type BrokerStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

/**
 * Where a consumer reads from (names from `@projectionist/messaging-contracts`' topology):
 * - `commands`: the durable, shared command queue (one consumer gets each command);
 * - `control`: this node's exclusive control queue (messages to `all` and to this node);
 * - `events`: a private copy of every worker event, for this subscriber alone;
 * - `coordinator-events`: the durable, shared queue of worker events (the coordinator leader's).
 */
export type QueueKind = 'commands' | 'control' | 'events' | 'coordinator-events';

/** Resolving acknowledges the message; throwing requeues it on the durable queues and drops it on the others. */
export type MessageHandler = (message: MessageEnvelope) => Promise<void>;

/** A message dropped because it is not a valid envelope: what was wrong, and its first 200 characters. */
export interface InvalidMessage {
  readonly problems: readonly EnvelopeProblem[];
  readonly content: string;
}

/** Stops a consumer (now and after reconnections). */
export interface Subscription {
  cancel(): Promise<void>;
}

/**
 * What the product needs of a message broker: the coordinator, the workers' rebuild executor and
 * the gateway depend on this, not on a transport. A lost connection is a normal state: the
 * broker reconnects by itself, sets its consumers up again, and meanwhile every publish fails at
 * once with BrokerUnavailableError (callers answer 503 rather than wait).
 *
 * Implementations: `AmqpBroker` (RabbitMQ) and `InMemoryBroker` (`@projectionist/messaging/testing`),
 * both held to `brokerContract`.
 */
export interface MessageBroker {
  readonly status: BrokerStatus;
  /** Connects; resolves after the first attempt whether or not it succeeded (it keeps retrying). */
  start(): Promise<void>;
  close(): Promise<void>;
  consume(kind: QueueKind, handler: MessageHandler): Promise<Subscription>;
  /** To the coordinator leader: durable and persistent, confirmed by the broker. */
  sendCommand(message: MessageEnvelope): Promise<void>;
  /** To every node's control queue (`all`) or to one node's. */
  sendControl(target: 'all' | string, message: MessageEnvelope): Promise<void>;
  /** A worker's event, to the coordinator's queue and every `events` subscriber. */
  publishEvent(message: MessageEnvelope): Promise<void>;
  on(event: 'status', listener: (status: BrokerStatus) => void): this;
  /** A connection or handler error; reported, never thrown. */
  on(event: 'error', listener: (error: Error) => void): this;
  /** A message that is not a valid envelope, dropped. */
  on(event: 'invalid', listener: (detail: InvalidMessage) => void): this;
  off(event: 'status', listener: (status: BrokerStatus) => void): this;
  off(event: 'error', listener: (error: Error) => void): this;
  off(event: 'invalid', listener: (detail: InvalidMessage) => void): this;
}
