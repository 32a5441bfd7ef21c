import { Module } from '@nestjs/common';
import { WriteGuardModule } from '../write-guard/write-guard.module';
import { AdminTokenGuard } from './admin-token.guard';
import { AdminProjectionsController } from './projections.controller';
import { RebuildsController } from './rebuilds.controller';
import { StreamsController } from './streams.controller';

/** Operators' API, behind the admin token: raw streams and the projections' state. */
@Module({
  imports: [WriteGuardModule],
  controllers: [StreamsController, AdminProjectionsController, RebuildsController],
  providers: [AdminTokenGuard],
})
export class AdminModule {}
