import { Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE_POOL } from '@projectionist/event-store';
import { RebuildRunStore } from '@projectionist/rebuild-coordinator';
import { RebuildBoard } from '@projectionist/shared-cache';
import { Pool } from 'pg';
import { REBUILD_BOARD } from './rebuild-board.token';
import { sampleProjections } from '@projectionist/projections';
import { GuardPolicy } from './write-guard';
import { GUARD_POLICY } from './write-guard.guard';

@Injectable()
class BoardLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(REBUILD_BOARD) private readonly board: RebuildBoard) {}
  async onModuleInit(): Promise<void> {
    await this.board.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.board.close();
  }
}

@Module({
  providers: [
    {
      provide: REBUILD_BOARD,
      inject: [APP_CONFIG, EVENT_STORE_POOL],
      useFactory: (config: AppConfig, pool: Pool) => {
        const runs = new RebuildRunStore(pool, config.namespace);
        return new RebuildBoard({ redisUrl: config.redisUrl, namespace: config.namespace, fallback: () => runs.active() });
      },
    },
    {
      provide: GUARD_POLICY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): GuardPolicy => {
        const feeds = new Map(sampleProjections.map((p) => [p.name, p.eventTypes]));
        return { scope: config.writeGuardScope, feeds: (projection) => feeds.get(projection) };
      },
    },
    BoardLifecycle,
  ],
  exports: [REBUILD_BOARD, GUARD_POLICY],
})
export class WriteGuardModule {}
