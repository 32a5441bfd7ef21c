import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { BaseRpcContext } from '@nestjs/microservices/ctx-host/base-rpc.context';
import type { MessageEnvelope } from '@projectionist/messaging-contracts';
import { lastValueFrom } from 'rxjs';
import { MessageBroker, QueueKind, Subscription } from '../broker.port';

/** What a handler gets besides the message: the queue it came from. */
export class BrokerContext extends BaseRpcContext<[QueueKind, MessageEnvelope]> {
  get queue(): QueueKind {
    return this.args[0];
  }
}

export interface BrokerTransportOptions {
  /** The queues this app's handlers read. */
  readonly queues: readonly QueueKind[];
  /**
   * Consume from the start (`listen`), or only once told to (`resume`): the coordinator's
   * queues are read by its leader alone, so it resumes on election and pauses on step-down.
   */
  readonly consumeOnListen: boolean;
}

/**
 * A Nest microservice transport over our MessageBroker: handlers are `@EventPattern(type)`
 * methods, where the pattern is the envelope's `type` and the payload the whole envelope. The
 * broker keeps what the product relies on (per-node control queues, durable command queues,
 * reconnection that sets consumers up again, fail-fast publishing); the transport only routes.
 * A handler's failure is the broker's to settle: requeued on the durable queues, dropped on the
 * others. A message no handler here knows is acknowledged and reported, not requeued forever.
 */
export class BrokerTransport extends Server implements CustomTransportStrategy {
  private readonly subscriptions = new Map<QueueKind, Subscription>();
  private transition: Promise<void> = Promise.resolve();

  constructor(
    private readonly broker: MessageBroker,
    private readonly options: BrokerTransportOptions,
  ) {
    super();
  }

  async listen(callback: (...optionalParams: unknown[]) => void): Promise<void> {
    try {
      if (this.options.consumeOnListen) await this.resume();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Starts consuming the configured queues (again); a queue already consumed is left as it is. */
  resume(): Promise<void> {
    return this.serialise(async () => {
      for (const queue of this.options.queues) {
        if (!this.subscriptions.has(queue)) this.subscriptions.set(queue, await this.broker.consume(queue, (m) => this.dispatch(queue, m)));
      }
    });
  }

  /** Stops consuming; messages of the durable queues wait there for the next consumer. */
  pause(): Promise<void> {
    return this.serialise(async () => {
      const subscriptions = [...this.subscriptions.values()];
      this.subscriptions.clear();
      await Promise.all(subscriptions.map((s) => s.cancel()));
    });
  }

  get consuming(): boolean {
    return this.subscriptions.size > 0;
  }

  async close(): Promise<void> {
    await this.pause();
  }

  /** The broker's own events: `status`, `error`, `invalid`. */
  // The signature is Nest's Server.on, which is typed with Function.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  on<EventKey extends string = string, EventCallback extends Function = Function>(event: EventKey, callback: EventCallback): void {
    this.broker.on(event as 'error', callback as unknown as (error: Error) => void);
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  private async dispatch(queue: QueueKind, message: MessageEnvelope): Promise<void> {
    const handler = this.getHandlerByPattern(message.type);
    if (!handler) {
      this.logger.warn?.(`no handler here for ${message.type} on ${queue}: acknowledged and dropped`);
      return;
    }
    const result = await handler(message, new BrokerContext([queue, message]));
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  /** Resume and pause one after another: a step-down never races an election's consumers. */
  private serialise(work: () => Promise<void>): Promise<void> {
    const next = this.transition.then(work);
    this.transition = next.catch(() => undefined);
    return next;
  }
}
