import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { AMQP_BROKER, BROKER_CLIENT, MessageBroker, Subscription } from '@projectionist/messaging';
import { isRebuildMessage, MessageEnvelope, rebuildMessage, RebuildMessages } from '@projectionist/messaging-contracts';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';

export type RollbackAnswer = { kind: 'completed'; reply: RebuildMessages['RollbackCompleted'] } | { kind: 'failed'; reply: RebuildMessages['RollbackFailed'] } | { kind: 'timeout' };

/** How long the gateway waits for the lease holder's answer: a rollback is two renames and a view. */
export const ROLLBACK_TIMEOUT_MS = 10_000;

/**
 * Asks the worker holding a projection's lease to roll it back (RollbackProjection to every
 * worker's control queue) and waits for its answer on this gateway's own copy of the worker
 * events, matched by request id. A send that fails is thrown (BrokerUnavailableError: 503).
 */
@Injectable()
export class Rollbacks implements OnModuleInit, OnApplicationShutdown {
  private readonly waiting = new Map<string, (answer: RollbackAnswer) => void>();
  private subscription: Subscription | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AMQP_BROKER) private readonly broker: MessageBroker,
    @Inject(BROKER_CLIENT) private readonly client: ClientProxy,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscription = await this.broker.consume('events', async (message) => this.answered(message));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.cancel();
  }

  async request(projection: string, timeoutMs = ROLLBACK_TIMEOUT_MS): Promise<RollbackAnswer> {
    const requestId = randomUUID();
    const answer = new Promise<RollbackAnswer>((resolve) => {
      const timer = setTimeout(() => this.settle(requestId, { kind: 'timeout' }), timeoutMs);
      this.waiting.set(requestId, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
    });
    try {
      const message = rebuildMessage('RollbackProjection', { requestId, projection }, this.config.nodeId);
      await lastValueFrom(this.client.emit(message.type, message), { defaultValue: undefined });
    } catch (error) {
      this.waiting.delete(requestId);
      throw error;
    }
    return answer;
  }

  private answered(message: MessageEnvelope): void {
    if (isRebuildMessage(message, 'RollbackCompleted')) this.settle(message.payload.requestId, { kind: 'completed', reply: message.payload });
    else if (isRebuildMessage(message, 'RollbackFailed')) this.settle(message.payload.requestId, { kind: 'failed', reply: message.payload });
  }

  private settle(requestId: string, answer: RollbackAnswer): void {
    const resolve = this.waiting.get(requestId);
    this.waiting.delete(requestId);
    resolve?.(answer);
  }
}
