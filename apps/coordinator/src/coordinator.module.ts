import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@projectionist/app-runtime';
import { AppConfig } from '@projectionist/config';
import { brokerHealthCheck, MessagingModule } from '@projectionist/messaging';
import { CoordinatorHost, CoordinatorModule as RebuildCoordinationModule } from '@projectionist/rebuild-coordinator';
import { sharedStateHealthCheck } from '@projectionist/shared-cache';
import { AgentAssignerModule, NodeRegistryModule } from '@projectionist/cluster-nodes';

/**
 * Owns the rebuild state machine and assigns agents to workers (distributed mode); several
 * replicas, one leader. GET /coordinator shows which.
 */
@Module({})
export class CoordinatorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoordinatorModule,
      imports: [
        CoreModule.forRoot(config, {
          // Every command and worker report reaches it through RabbitMQ; Redis only carries what it shares.
          readiness: {
            imports: [RebuildCoordinationModule],
            inject: [CoordinatorHost],
            useFactory: (host: CoordinatorHost) => [brokerHealthCheck(host.broker, { required: true }), sharedStateHealthCheck(host.board)],
          },
        }),
        MessagingModule,
        RebuildCoordinationModule,
        AgentAssignerModule.forRoot({
          imports: [RebuildCoordinationModule, MessagingModule],
          inject: [CoordinatorHost],
          isLeader: (host: CoordinatorHost) => () => host.coordinator.isLeader,
        }),
        NodeRegistryModule.forRoot({
          imports: [RebuildCoordinationModule],
          inject: [CoordinatorHost],
          useFactory: (host: CoordinatorHost) => () => ({
            role: host.coordinator.isLeader ? 'leader' : 'standby',
            details: { broker: host.broker.status, sharedState: host.board.isLive ? 'redis' : 'postgres' },
          }),
        }),
      ],
    };
  }
}
