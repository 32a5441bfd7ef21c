import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { REBUILD_MESSAGE_ROUTES, topologyFor } from '@projectionist/messaging-contracts';
import { AmqpBroker } from '../amqp-broker';
import { BrokerClient } from './broker-client';

export const AMQP_BROKER = Symbol('AMQP_BROKER');
/** A Nest ClientProxy (`emit(type, envelope)`) over the app's broker, routing the rebuild messages. */
export const BROKER_CLIENT = Symbol('BROKER_CLIENT');

@Injectable()
class BrokerLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  constructor(@Inject(AMQP_BROKER) private readonly broker: AmqpBroker) {
    broker.on('status', (status: string) => this.logger.log({ msg: 'broker', status }));
    broker.on('error', (error: Error) => this.logger.warn(`broker: ${error.message}`));
    broker.on('invalid', (detail: unknown) => this.logger.warn({ msg: 'dropped a message that is not an envelope', detail }));
  }

  /** Not awaited to the end: an app starts while the broker is down and connects when it is back. */
  async onModuleInit(): Promise<void> {
    await this.broker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.broker.close();
  }
}

/** AMQP_BROKER for the app (its node's control queue, the namespace's topology), and BROKER_CLIENT over it. */
@Global()
@Module({
  providers: [
    {
      provide: AMQP_BROKER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new AmqpBroker({ url: config.amqpUrl, topology: topologyFor(config.namespace), nodeId: config.nodeId }),
    },
    { provide: BROKER_CLIENT, inject: [AMQP_BROKER], useFactory: (broker: AmqpBroker) => new BrokerClient(broker, REBUILD_MESSAGE_ROUTES) },
    BrokerLifecycle,
  ],
  exports: [AMQP_BROKER, BROKER_CLIENT],
})
export class MessagingModule {}
