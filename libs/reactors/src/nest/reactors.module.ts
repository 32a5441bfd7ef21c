import { Controller, DynamicModule, Get, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE, EVENT_STORE_POOL, EventStore, FeedNotifications } from '@projectionist/event-store';
import { Pool } from 'pg';
import { HotColdReactors } from '../host/hot-cold-reactors';
import { ReactorRunner } from '../host/reactor-runner';
import { Reactor } from '../model/reactor';

export const REACTORS = Symbol('REACTORS');

/** Wires the reactors into a worker: their HotCold election, NOTIFY wake-ups, and lifecycle. */
@Injectable()
export class ReactorsHost implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runner: ReactorRunner;
  readonly hotCold: HotColdReactors;
  private readonly notifications: FeedNotifications;
  private readonly logger = new Logger('Reactors');

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(EVENT_STORE_POOL) pool: Pool, @Inject(EVENT_STORE) store: EventStore, @Inject(REACTORS) reactors: readonly Reactor[]) {
    this.runner = new ReactorRunner({
      reactors,
      store,
      pool,
      namespace: config.namespace,
      nodeId: config.nodeId,
      logger: this.logger,
      concurrency: config.reactors.concurrency,
      pageSize: config.daemon.pageSize,
      pollIntervalMs: config.daemon.pollIntervalMs,
      onLeaseLost: () => this.hotCold.stepDown('a reactor lease was taken over'),
    });
    this.hotCold = new HotColdReactors({
      databaseUrl: config.databaseUrl,
      namespace: config.namespace,
      nodeId: config.nodeId,
      runner: this.runner,
      logger: this.logger,
      retryMinMs: config.daemon.standbyRetryMs.min,
      retryMaxMs: config.daemon.standbyRetryMs.max,
    });
    this.notifications = new FeedNotifications({ databaseUrl: config.databaseUrl, namespace: config.namespace });
    this.notifications.on('appended', () => this.runner.notifyAppended());
    this.notifications.on('error', (error: Error) => this.logger.warn(`feed notifications: ${error.message}`));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.start();
    this.hotCold.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.hotCold.stop();
    await this.notifications.close();
  }
}

@Controller()
class ReactorsController {
  constructor(private readonly host: ReactorsHost) {}

  /** This node's role for the reactors and, when active, each one's state and position. */
  @Get('reactors')
  status(): object {
    return { role: this.host.hotCold.role, reactors: this.host.runner.progress() };
  }
}

@Module({})
export class ReactorsModule {
  static forRoot(reactors: readonly Reactor[]): DynamicModule {
    return {
      module: ReactorsModule,
      controllers: [ReactorsController],
      providers: [{ provide: REACTORS, useValue: reactors }, ReactorsHost],
      exports: [ReactorsHost],
    };
  }
}
