import { Module } from '@nestjs/common';
import { WriteGuardModule } from '../write-guard/write-guard.module';
import { AdminTokenGuard } from './admin-token.guard';
import { RollbackController } from './rollback.controller';
import { Rollbacks } from './rollbacks';
import { AdminProjectionsController } from './projections.controller';
import { NodesController } from './nodes.controller';
import { AdminEventStream } from './events/admin-event-stream';
import { AdminStreamController } from './events/admin-stream.controller';
import { projectionStatusProvider, reactorStatusProvider } from './projection-status.provider';
import { AdminReactorsController } from './reactors.controller';
import { RebuildsController } from './rebuilds.controller';
import { StreamsController } from './streams.controller';

/** Operators' API, behind the admin token: raw streams, projections, reactors, rebuilds and nodes. */
@Module({
  imports: [WriteGuardModule],
  controllers: [StreamsController, AdminProjectionsController, AdminReactorsController, RebuildsController, RollbackController, NodesController, AdminStreamController],
  providers: [AdminTokenGuard, projectionStatusProvider, reactorStatusProvider, AdminEventStream, Rollbacks],
})
export class AdminModule {}
