import { Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE_POOL } from '@projectionist/event-store';
import { DEFAULT_REBUILD_POLICY } from '@projectionist/rebuild-state';
import { REBUILD_BOARD, RebuildBoard, RebuildBoardPort } from '@projectionist/shared-cache';
import { Pool } from 'pg';
import { RebuildRunStore } from '../runs/rebuild-run-store';
import { REBUILD_RUN_STORE, RebuildRunStorePort } from '../runs/rebuild-run-store.port';

/** The board connects while the app starts (in fallback until Redis answers) and closes its clients last. */
@Injectable()
class BoardLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(REBUILD_BOARD) private readonly board: RebuildBoardPort) {}

  async onModuleInit(): Promise<void> {
    await this.board.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.board.close();
  }
}

/**
 * The node's one durable run store (REBUILD_RUN_STORE, a RebuildRunStorePort on PostgreSQL) and
 * one shared board (REBUILD_BOARD, a RebuildBoardPort on Redis) checked against that store's
 * version. Gateways, coordinators and anything else that reads or shares runs import this module
 * rather than build their own, so a node holds one board subscription and one local copy.
 */
@Module({
  providers: [
    {
      provide: REBUILD_RUN_STORE,
      inject: [APP_CONFIG, EVENT_STORE_POOL],
      useFactory: (config: AppConfig, pool: Pool): RebuildRunStorePort =>
        new RebuildRunStore(pool, config.namespace, { ...DEFAULT_REBUILD_POLICY, leaseTimeoutMs: config.rebuildLeaseTimeoutMs }),
    },
    {
      provide: REBUILD_BOARD,
      inject: [APP_CONFIG, REBUILD_RUN_STORE],
      useFactory: (config: AppConfig, runs: RebuildRunStorePort): RebuildBoardPort =>
        new RebuildBoard({ redisUrl: config.redisUrl, namespace: config.namespace, fallback: () => runs.snapshot(), version: () => runs.version() }),
    },
    BoardLifecycle,
  ],
  exports: [REBUILD_RUN_STORE, REBUILD_BOARD],
})
export class RebuildRunsModule {}
