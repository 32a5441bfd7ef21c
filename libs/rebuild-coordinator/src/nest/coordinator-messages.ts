import { Controller, DynamicModule, Inject, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageEnvelope } from '@projectionist/messaging-contracts';
import type { RebuildCoordinator } from '../coordinator/rebuild-coordinator';

export const REBUILD_COORDINATOR = Symbol('REBUILD_COORDINATOR');

type Handlers = Pick<RebuildCoordinator, 'handleCommand' | 'handleWorkerEvent'>;

/** The leader's message handlers; the transport delivers to them only while this node leads. */
@Controller()
export class CoordinatorMessages {
  constructor(@Inject(REBUILD_COORDINATOR) private readonly coordinator: Handlers) {}

  @EventPattern('RequestRebuild')
  request(@Payload() message: MessageEnvelope): Promise<void> {
    return this.coordinator.handleCommand(message);
  }

  @EventPattern('CancelRebuild')
  cancel(@Payload() message: MessageEnvelope): Promise<void> {
    return this.coordinator.handleCommand(message);
  }

  @EventPattern('RebuildStarted')
  started(@Payload() message: MessageEnvelope): Promise<void> {
    return this.coordinator.handleWorkerEvent(message);
  }

  @EventPattern('RebuildProgress')
  progress(@Payload() message: MessageEnvelope): Promise<void> {
    return this.coordinator.handleWorkerEvent(message);
  }

  @EventPattern('RebuildCompleted')
  completed(@Payload() message: MessageEnvelope): Promise<void> {
    return this.coordinator.handleWorkerEvent(message);
  }

  @EventPattern('RebuildFailed')
  failed(@Payload() message: MessageEnvelope): Promise<void> {
    return this.coordinator.handleWorkerEvent(message);
  }

  @EventPattern('RebuildPartitionStarted')
  partitionStarted(@Payload() message: MessageEnvelope): Promise<void> {
    return this.coordinator.handleWorkerEvent(message);
  }

  @EventPattern('RebuildPartitionProgress')
  partitionProgress(@Payload() message: MessageEnvelope): Promise<void> {
    return this.coordinator.handleWorkerEvent(message);
  }

  @EventPattern('RebuildPartitionFailed')
  partitionFailed(@Payload() message: MessageEnvelope): Promise<void> {
    return this.coordinator.handleWorkerEvent(message);
  }
}

/** The handlers alone, for a coordinator built outside an app (tests): `CoordinatorMessagesModule.for(coordinator)`. */
@Module({})
export class CoordinatorMessagesModule {
  static for(coordinator: Handlers): DynamicModule {
    return { module: CoordinatorMessagesModule, controllers: [CoordinatorMessages], providers: [{ provide: REBUILD_COORDINATOR, useValue: coordinator }] };
  }
}
