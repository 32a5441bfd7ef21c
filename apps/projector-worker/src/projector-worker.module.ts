import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@projectionist/app-runtime';
import { AppConfig } from '@projectionist/config';
import { MessagingModule } from '@projectionist/messaging';
import { ProjectionDaemonModule } from '@projectionist/projection-daemon';
import { sampleProjections } from '@projectionist/projections';
import { RebuildExecutorModule } from '@projectionist/rebuild-coordinator';

/**
 * Hosts the async projection daemon (HotCold: one active replica) and executes rebuilds the
 * coordinator asks for. GET /daemon shows its role and progress, GET /metrics for Prometheus.
 */
@Module({})
export class ProjectorWorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    const daemon = ProjectionDaemonModule.forRoot(sampleProjections);
    return {
      module: ProjectorWorkerModule,
      imports: [CoreModule.forRoot(config), MessagingModule, daemon, RebuildExecutorModule.with(daemon)],
    };
  }
}
