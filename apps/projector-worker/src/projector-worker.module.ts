import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@projectionist/app-runtime';
import { AppConfig } from '@projectionist/config';
import { AMQP_BROKER, AmqpBroker, brokerHealthCheck, MessagingModule } from '@projectionist/messaging';
import { DaemonHost, daemonHealthCheck, ProjectionDaemonModule } from '@projectionist/projection-daemon';
import { NodeRegistryModule } from '@projectionist/cluster-nodes';
import { Projection, sampleProjections } from '@projectionist/projections';
import { ReactorsModule, sampleReactors } from '@projectionist/reactors';
import { RebuildExecutorModule } from '@projectionist/rebuild-coordinator';

/**
 * Hosts the async projection daemon (distributed: the agents the coordinator assigns it; HotCold:
 * one active replica runs them all), executes rebuilds the coordinator asks for, and runs the
 * reactors (HotCold over their own lock, each on its own checkpoint: a rebuild never runs them).
 * GET /daemon and GET /reactors show roles and progress, GET /metrics for Prometheus.
 */
@Module({})
export class ProjectorWorkerModule {
  /** `projections`: the sample set by default; a release build may carry other versions of them. */
  static forRoot(config: AppConfig, projections: readonly Projection[] = sampleProjections): DynamicModule {
    const daemon = ProjectionDaemonModule.forRoot(projections);
    // A takeover claims the leases and starts every agent at once: one open connection each.
    const takeoverConnections = projections.filter((p) => p.mode === 'async').length + 1;
    return {
      module: ProjectorWorkerModule,
      imports: [
        CoreModule.forRoot(config, {
          poolMin: takeoverConnections,
          // Rebuild and rollback requests reach it through RabbitMQ only.
          readiness: {
            imports: [daemon, MessagingModule],
            inject: [DaemonHost, AMQP_BROKER],
            useFactory: (host: DaemonHost, broker: AmqpBroker) => [daemonHealthCheck(host), brokerHealthCheck(broker, { required: true })],
          },
        }),
        MessagingModule,
        daemon,
        RebuildExecutorModule.with(daemon),
        ReactorsModule.forRoot(sampleReactors),
        NodeRegistryModule.forRoot({
          imports: [daemon, MessagingModule],
          inject: [DaemonHost, AMQP_BROKER],
          useFactory: (host: DaemonHost, broker: AmqpBroker) => () => ({
            role: host.role,
            details: { ...host.describe(), broker: broker.status },
          }),
        }),
      ],
    };
  }
}
