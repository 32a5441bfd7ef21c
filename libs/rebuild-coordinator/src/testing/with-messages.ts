import { DynamicModule, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BrokerTransport, MessageBroker } from '@projectionist/messaging';
import { RebuildCoordinator, RebuildCoordinatorOptions } from '../coordinator/rebuild-coordinator';
import { CoordinatorMessagesModule } from '../nest/coordinator-messages';
import { ExecutorMessagesModule } from '../nest/executor-messages';
import { RebuildExecutor, RebuildExecutorOptions } from '../worker/rebuild-executor';

/** Starts `handlers` as a Nest microservice on `transport`, as an app's bootstrap does. */
async function listen(handlers: DynamicModule, transport: BrokerTransport): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(handlers, { strategy: transport, logger: false });
  await app.listen();
  return app;
}

/** A coordinator whose messages reach it through its `@EventPattern` handlers, as in the app; not started. */
export async function coordinatorWithMessages(options: Omit<RebuildCoordinatorOptions, 'inbox'>): Promise<{ coordinator: RebuildCoordinator; close(): Promise<void> }> {
  const transport = new BrokerTransport(options.broker, { queues: ['commands', 'coordinator-events'], consumeOnListen: false });
  const coordinator = new RebuildCoordinator({ ...options, inbox: transport });
  const app = await listen(CoordinatorMessagesModule.for(coordinator), transport);
  return {
    coordinator,
    close: async () => {
      await coordinator.stop();
      await app.close();
    },
  };
}

/** A worker's rebuild executor on its control queue, through its `@EventPattern` handlers, as in the app. */
export async function executorWithMessages(options: RebuildExecutorOptions & { broker: MessageBroker }): Promise<{ executor: RebuildExecutor; close(): Promise<void> }> {
  const executor = new RebuildExecutor(options);
  const app = await listen(ExecutorMessagesModule.for(executor), new BrokerTransport(options.broker, { queues: ['control'], consumeOnListen: true }));
  return {
    executor,
    close: async () => {
      await app.close();
      await executor.stop();
    },
  };
}
