import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { AMQP_BROKER, BrokerTransport, MessageBroker } from '@projectionist/messaging';
import { DaemonHost } from '@projectionist/projection-daemon';
import { RebuildExecutor } from '../worker/rebuild-executor';
import { ExecutorMessages, REBUILD_EXECUTOR } from './executor-messages';

@Injectable()
export class ExecutorHost implements OnApplicationShutdown {
  readonly executor: RebuildExecutor;
  /** The app connects it as its microservice transport (bootstrap's `messages`): this node's control queue. */
  readonly transport: BrokerTransport;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(AMQP_BROKER) broker: MessageBroker, daemon: DaemonHost) {
    this.executor = new RebuildExecutor({ broker, daemon: daemon.daemon, nodeId: config.nodeId });
    this.transport = new BrokerTransport(broker, { queues: ['control'], consumeOnListen: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.executor.stop();
  }
}

/**
 * A worker's part in distributed rebuilds. Give it the same daemon module object the worker
 * imports (Nest then shares one instance): `RebuildExecutorModule.with(daemonModule)`.
 */
@Module({})
export class RebuildExecutorModule {
  static with(daemonModule: DynamicModule): DynamicModule {
    return {
      module: RebuildExecutorModule,
      imports: [daemonModule],
      controllers: [ExecutorMessages],
      providers: [ExecutorHost, { provide: REBUILD_EXECUTOR, inject: [ExecutorHost], useFactory: (host: ExecutorHost) => host.executor }],
      exports: [ExecutorHost],
    };
  }
}
