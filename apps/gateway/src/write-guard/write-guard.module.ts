import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { sampleProjections } from '@projectionist/projections';
import { RebuildRunsModule } from '@projectionist/rebuild-coordinator';
import { GuardPolicy } from './write-guard';
import { GUARD_POLICY } from './write-guard.guard';

/** The guard's policy, and the node's rebuild board (REBUILD_BOARD) it reads, from RebuildRunsModule. */
@Module({
  imports: [RebuildRunsModule],
  providers: [
    {
      provide: GUARD_POLICY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): GuardPolicy => {
        const feeds = new Map(sampleProjections.map((p) => [p.name, p.eventTypes]));
        return { scope: config.writeGuardScope, feeds: (projection) => feeds.get(projection) };
      },
    },
  ],
  exports: [RebuildRunsModule, GUARD_POLICY],
})
export class WriteGuardModule {}
