import { Controller, DynamicModule, Inject, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageEnvelope } from '@projectionist/messaging-contracts';
import type { RebuildExecutor } from '../worker/rebuild-executor';

export const REBUILD_EXECUTOR = Symbol('REBUILD_EXECUTOR');

type Handlers = Pick<RebuildExecutor, 'handleControl' | 'handleRollback'>;

/** A worker's control messages about rebuilds and rollbacks. */
@Controller()
export class ExecutorMessages {
  constructor(@Inject(REBUILD_EXECUTOR) private readonly executor: Handlers) {}

  @EventPattern('StartRebuild')
  start(@Payload() message: MessageEnvelope): Promise<void> {
    return this.executor.handleControl(message);
  }

  @EventPattern('StartRebuildPartition')
  startPartition(@Payload() message: MessageEnvelope): Promise<void> {
    return this.executor.handleControl(message);
  }

  @EventPattern('AbortRebuild')
  abort(@Payload() message: MessageEnvelope): Promise<void> {
    return this.executor.handleControl(message);
  }

  @EventPattern('RollbackProjection')
  rollback(@Payload() message: MessageEnvelope): Promise<void> {
    return this.executor.handleRollback(message);
  }
}

/** The handlers alone, for an executor built outside an app (tests): `ExecutorMessagesModule.for(executor)`. */
@Module({})
export class ExecutorMessagesModule {
  static for(executor: Handlers): DynamicModule {
    return { module: ExecutorMessagesModule, controllers: [ExecutorMessages], providers: [{ provide: REBUILD_EXECUTOR, useValue: executor }] };
  }
}
