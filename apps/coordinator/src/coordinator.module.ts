import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@projectionist/app-runtime';
import { AppConfig } from '@projectionist/config';
import { MessagingModule } from '@projectionist/messaging';
import { CoordinatorModule as RebuildCoordinationModule } from '@projectionist/rebuild-coordinator';

/** Owns the rebuild state machine; several replicas, one leader. GET /coordinator shows which. */
@Module({})
export class CoordinatorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CoordinatorModule, imports: [CoreModule.forRoot(config), MessagingModule, RebuildCoordinationModule] };
  }
}
