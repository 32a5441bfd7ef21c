import { Module } from '@nestjs/common';
import { WriteGuardModule } from '../write-guard/write-guard.module';
import { AdminTokenGuard } from './admin-token.guard';
import { RollbackController } from './rollback.controller';
import { Rollbacks } from './rollbacks';
import { AdminProjectionsController } from './projections.controller';
import { NodesController } from './nodes.controller';
import { AdminEventStream } from './events/admin-event-stream';
import { AdminStreamController } from './events/admin-stream.controller';
import { projectionStatusProvider } from './projection-status.provider';
import { RebuildsController } from './rebuilds.controller';
import { StreamsController } from './streams.controller';

/** Operators' API, behind the admin token: raw streams, projections, rebuilds and nodes. */
@Module({
  imports: [WriteGuardModule],
  controllers: [StreamsController, AdminProjectionsController, RebuildsController, RollbackController, NodesController, AdminStreamController],
  providers: [AdminTokenGuard, projectionStatusProvider, AdminEventStream, Rollbacks],
})
export class AdminModule {}
