import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CoreModule } from '@projectionist/app-runtime';
import { AppConfig } from '@projectionist/config';
import { AdminModule } from './admin/admin.module';
import { DomainApiModule } from './api/domain-api.module';
import { WriteGuardModule } from './write-guard/write-guard.module';
import { WriteGuard } from './write-guard/write-guard.guard';
import { NodeRegistryModule } from '@projectionist/cluster-nodes';
import { AMQP_BROKER, brokerHealthCheck, MessageBroker, MessagingModule } from '@projectionist/messaging';
import { REBUILD_BOARD, RebuildBoardPort, sharedStateHealthCheck } from '@projectionist/shared-cache';

/** HTTP API: domain commands and queries, the admin API, and the write-guard that holds writes during blocking rebuilds. */
@Module({})
export class GatewayModule {
  /** `guardWrites: false` leaves every write unguarded: only for measuring what the guard costs (npm run bench -- gateway). */
  static forRoot(config: AppConfig, { guardWrites = true } = {}): DynamicModule {
    return {
      module: GatewayModule,
      providers: guardWrites ? [{ provide: APP_GUARD, useClass: WriteGuard }] : [],
      imports: [
        // A request must not hold a pool connection for ever, e.g. behind a lock another session keeps.
        CoreModule.forRoot(config, {
          statementTimeoutMs: config.databaseStatementTimeoutMs,
          // Reads and writes need PostgreSQL only: without RabbitMQ only rebuild requests fail
          // (503), without Redis the write-guard reads PostgreSQL. Both show as degraded.
          readiness: {
            imports: [WriteGuardModule, MessagingModule],
            inject: [AMQP_BROKER, REBUILD_BOARD],
            useFactory: (broker: MessageBroker, board: RebuildBoardPort) => [brokerHealthCheck(broker, { required: false }), sharedStateHealthCheck(board)],
          },
        }),
        MessagingModule,
        WriteGuardModule,
        DomainApiModule,
        AdminModule,
        NodeRegistryModule.forRoot({
          imports: [WriteGuardModule, MessagingModule],
          inject: [REBUILD_BOARD, AMQP_BROKER],
          useFactory: (board: RebuildBoardPort, broker: MessageBroker) => () => ({
            role: 'gateway',
            details: { broker: broker.status, sharedState: board.isLive ? 'redis' : 'postgres' },
          }),
        }),
      ],
    };
  }
}
