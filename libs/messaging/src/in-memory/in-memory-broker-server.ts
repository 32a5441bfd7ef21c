/**
 * The broker side of `InMemoryBroker`: queues, topic exchanges and bindings in one process,
 * with RabbitMQ's rules where the product relies on them:
 * - a queue keeps its messages while nobody consumes it; consumers of one queue take turns;
 * - a consumer with a prefetch of 1 gets the next message only after settling the last one;
 * - a message nacked with requeue goes back to the head of its queue;
 * - when a connection closes, its unsettled messages go back to their queues and its exclusive
 *   queues are deleted with whatever they held;
 * - a message published to an exchange with no matching binding is dropped.
 * Messages travel as JSON text, so a handler never shares an object with the sender.
 */
export class InMemoryBrokerServer {
  private readonly queues = new Map<string, MemoryQueue>();
  private readonly bindings: Binding[] = [];
  private readonly connections = new Set<ServerConnection>();
  private nextQueue = 0;

  /** Opens a connection; `onClosed` runs when the server closes it (not when the client does). */
  open(name: string, onClosed: () => void): ServerConnection {
    const connection: ServerConnection = { name, open: true, onClosed };
    this.connections.add(connection);
    return connection;
  }

  /** Closes a connection from the client's side. */
  close(connection: ServerConnection): void {
    this.end(connection);
  }

  /** Closes every connection from the server's side, as a broker restart does; queues and messages stay. */
  dropConnections(): void {
    for (const connection of [...this.connections]) this.drop(connection);
  }

  /** Closes one connection from the server's side. */
  drop(connection: ServerConnection): void {
    if (!connection.open) return;
    this.end(connection);
    connection.onClosed();
  }

  /** Declares a queue (idempotent); an empty name gets a generated one. Exclusive queues belong to the connection. */
  assertQueue(connection: ServerConnection, name: string, options: { exclusive?: boolean } = {}): string {
    this.requireOpen(connection);
    const queueName = name === '' ? `amq.gen-${++this.nextQueue}` : name;
    const existing = this.queues.get(queueName);
    if (existing?.owner && existing.owner !== connection) throw new Error(`queue ${queueName} is exclusive to another connection`);
    if (!existing) this.queues.set(queueName, { name: queueName, ready: [], consumers: [], turn: 0, owner: options.exclusive ? connection : undefined });
    return queueName;
  }

  deleteQueue(name: string): void {
    this.queues.delete(name);
    for (let i = this.bindings.length - 1; i >= 0; i--) if (this.bindings[i].queue === name) this.bindings.splice(i, 1);
  }

  bindQueue(connection: ServerConnection, queue: string, exchange: string, pattern: string): void {
    this.requireOpen(connection);
    if (!this.bindings.some((b) => b.queue === queue && b.exchange === exchange && b.pattern === pattern)) this.bindings.push({ queue, exchange, pattern });
  }

  /** Publishes to an exchange by routing key, or straight to a queue when `exchange` is ''. */
  publish(connection: ServerConnection, exchange: string, routingKey: string, body: string): void {
    this.requireOpen(connection);
    const targets = exchange === '' ? [routingKey] : this.bindings.filter((b) => b.exchange === exchange && topicMatches(b.pattern, routingKey)).map((b) => b.queue);
    for (const name of new Set(targets)) {
      const queue = this.queues.get(name);
      if (!queue) continue;
      queue.ready.push(body);
      this.dispatch(queue);
    }
  }

  consume(connection: ServerConnection, queueName: string, prefetch: number | undefined, deliver: (delivery: Delivery) => void): ServerConsumer {
    this.requireOpen(connection);
    const queue = this.queues.get(queueName);
    if (!queue) throw new Error(`no queue ${queueName}`);
    const consumer: ServerConsumer = { connection, queue, prefetch, unsettled: [], deliver };
    queue.consumers.push(consumer);
    this.dispatch(queue);
    return consumer;
  }

  cancel(consumer: ServerConsumer): void {
    const consumers = consumer.queue.consumers;
    const index = consumers.indexOf(consumer);
    if (index >= 0) consumers.splice(index, 1);
  }

  /** Acks, or nacks with or without requeue. A delivery of a closed connection was requeued already: ignored. */
  settle(delivery: Delivery, requeue: boolean | 'ack'): void {
    const { consumer } = delivery;
    const index = consumer.unsettled.indexOf(delivery);
    if (index < 0 || !consumer.connection.open) return;
    consumer.unsettled.splice(index, 1);
    if (requeue === true && this.queues.get(consumer.queue.name) === consumer.queue) consumer.queue.ready.unshift(delivery.body);
    this.dispatch(consumer.queue);
  }

  private end(connection: ServerConnection): void {
    if (!connection.open) return;
    connection.open = false;
    this.connections.delete(connection);
    for (const queue of [...this.queues.values()]) {
      const mine = queue.consumers.filter((c) => c.connection === connection);
      queue.consumers = queue.consumers.filter((c) => c.connection !== connection);
      // Unsettled messages go back in the order they were delivered, ahead of the rest.
      const unsettled = mine.flatMap((c) => c.unsettled.splice(0).map((d) => d.body));
      queue.ready.unshift(...unsettled);
      if (queue.owner === connection) this.deleteQueue(queue.name);
      else this.dispatch(queue);
    }
  }

  private dispatch(queue: MemoryQueue): void {
    while (queue.ready.length > 0) {
      const consumer = this.nextConsumer(queue);
      if (!consumer) return;
      const delivery: Delivery = { body: queue.ready.shift() as string, consumer };
      consumer.unsettled.push(delivery);
      // Delivered later, as over a network: a publisher never runs its consumers' handlers itself.
      setImmediate(() => consumer.connection.open && consumer.unsettled.includes(delivery) && consumer.deliver(delivery));
    }
  }

  /** Round robin over the consumers with room under their prefetch. */
  private nextConsumer(queue: MemoryQueue): ServerConsumer | undefined {
    for (let i = 0; i < queue.consumers.length; i++) {
      const consumer = queue.consumers[(queue.turn + i) % queue.consumers.length];
      if (consumer.prefetch === undefined || consumer.unsettled.length < consumer.prefetch) {
        queue.turn = (queue.turn + i + 1) % queue.consumers.length;
        return consumer;
      }
    }
    return undefined;
  }

  private requireOpen(connection: ServerConnection): void {
    if (!connection.open) throw new Error(`connection ${connection.name} is closed`);
  }
}

export interface ServerConnection {
  readonly name: string;
  open: boolean;
  readonly onClosed: () => void;
}

export interface ServerConsumer {
  readonly connection: ServerConnection;
  readonly queue: MemoryQueue;
  readonly prefetch: number | undefined;
  readonly unsettled: Delivery[];
  readonly deliver: (delivery: Delivery) => void;
}

export interface Delivery {
  readonly body: string;
  readonly consumer: ServerConsumer;
}

interface MemoryQueue {
  readonly name: string;
  readonly ready: string[];
  consumers: ServerConsumer[];
  turn: number;
  readonly owner: ServerConnection | undefined;
}

interface Binding {
  readonly queue: string;
  readonly exchange: string;
  readonly pattern: string;
}

/** AMQP topic matching: words separated by dots, `*` matches one word, `#` zero or more. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const match = (p: string[], k: string[]): boolean => {
    if (p.length === 0) return k.length === 0;
    if (p[0] === '#') return match(p.slice(1), k) || (k.length > 0 && match(p, k.slice(1)));
    if (k.length === 0) return false;
    return (p[0] === '*' || p[0] === k[0]) && match(p.slice(1), k.slice(1));
  };
  return match(pattern.split('.'), routingKey.split('.'));
}
