import { Controller, Get, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE_POOL } from '@projectionist/event-store';
import { AMQP_BROKER, MessageBroker } from '@projectionist/messaging';
import { DaemonLock } from '@projectionist/projection-daemon';
import { Pool } from 'pg';
import { RebuildCoordinator } from '../coordinator/rebuild-coordinator';
import { RebuildRunStore } from '../runs/rebuild-run-store';
import { RebuildBoard } from '@projectionist/shared-cache';

@Injectable()
export class CoordinatorHost implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly coordinator: RebuildCoordinator;

  readonly board: RebuildBoard;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(EVENT_STORE_POOL) pool: Pool, @Inject(AMQP_BROKER) readonly broker: MessageBroker) {
    const store = new RebuildRunStore(pool, config.namespace);
    this.board = new RebuildBoard({ redisUrl: config.redisUrl, namespace: config.namespace, fallback: () => store.active() });
    this.coordinator = new RebuildCoordinator({
      store,
      board: this.board,
      broker,
      lock: new DaemonLock(config.databaseUrl, config.namespace, config.nodeId, 'coordinator'),
      nodeId: config.nodeId,
      logger: new Logger('RebuildCoordinator'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.board.start();
    this.coordinator.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.coordinator.stop();
    await this.board.close();
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
@Module({ controllers: [CoordinatorController], providers: [CoordinatorHost], exports: [CoordinatorHost] })
export class CoordinatorModule {}
