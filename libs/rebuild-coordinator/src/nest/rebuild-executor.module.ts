import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { AMQP_BROKER, MessageBroker } from '@projectionist/messaging';
import { DaemonHost } from '@projectionist/projection-daemon';
import { RebuildExecutor } from '../worker/rebuild-executor';

@Injectable()
class ExecutorHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly executor: RebuildExecutor;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(AMQP_BROKER) broker: MessageBroker, daemon: DaemonHost) {
    this.executor = new RebuildExecutor({ broker, daemon: daemon.daemon, nodeId: config.nodeId });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.executor.start();
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
    return { module: RebuildExecutorModule, imports: [daemonModule], providers: [ExecutorHost] };
  }
}
