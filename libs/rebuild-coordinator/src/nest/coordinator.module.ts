import { BeforeApplicationShutdown, Controller, Get, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { AMQP_BROKER, BrokerTransport, MessageBroker } from '@projectionist/messaging';
import { upNodeIds } from '@projectionist/cluster-nodes';
import { EVENT_STORE_POOL } from '@projectionist/event-store';
import { DaemonLock } from '@projectionist/projection-daemon';
import { Pool } from 'pg';
import { REBUILD_BOARD, RebuildBoardPort } from '@projectionist/shared-cache';
import { RebuildCoordinator } from '../coordinator/rebuild-coordinator';
import { REBUILD_RUN_STORE, RebuildRunStorePort } from '../runs/rebuild-run-store.port';
import { CoordinatorMessages, REBUILD_COORDINATOR } from './coordinator-messages';
import { RebuildRunsModule } from './rebuild-runs.module';

@Injectable()
export class CoordinatorHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly coordinator: RebuildCoordinator;
  /** The app connects it as its microservice transport (bootstrap's `messages`); the coordinator resumes it when elected. */
  readonly transport: BrokerTransport;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REBUILD_RUN_STORE) store: RebuildRunStorePort,
    @Inject(REBUILD_BOARD) readonly board: RebuildBoardPort,
    @Inject(AMQP_BROKER) readonly broker: MessageBroker,
    @Inject(EVENT_STORE_POOL) pool: Pool,
  ) {
    this.transport = new BrokerTransport(broker, { queues: ['commands', 'coordinator-events'], consumeOnListen: false });
    this.coordinator = new RebuildCoordinator({
      inbox: this.transport,
      store,
      board,
      broker,
      lock: new DaemonLock(config.databaseUrl, config.namespace, config.nodeId, 'coordinator', { keepAlive: config.databaseKeepAlive }),
      nodeId: config.nodeId,
      logger: new Logger('RebuildCoordinator'),
      // A partitioned run's partitions go to the workers whose heartbeat is current.
      workers: () => upNodeIds(pool, config.namespace, 'projector-worker'),
    });
  }

  onApplicationBootstrap(): void {
    this.coordinator.start();
  }

  /** Before the board and the broker close, so that its last step can still share and unsubscribe. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.coordinator.stop();
  }
}

@Controller('coordinator')
class CoordinatorController {
  constructor(private readonly host: CoordinatorHost) {}

  @Get()
  status(): object {
    return { leader: this.host.coordinator.isLeader, broker: this.host.broker.status, sharedState: this.host.board.isLive ? 'redis' : 'postgres' };
  }
}

/** The coordinator app's work: leadership, the rebuild state machine, leases. */
@Module({
  imports: [RebuildRunsModule],
  controllers: [CoordinatorController, CoordinatorMessages],
  providers: [CoordinatorHost, { provide: REBUILD_COORDINATOR, inject: [CoordinatorHost], useFactory: (host: CoordinatorHost) => host.coordinator }],
  exports: [CoordinatorHost],
})
export class CoordinatorModule {}
