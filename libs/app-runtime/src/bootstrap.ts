import 'reflect-metadata';
import { DynamicModule, INestApplication } from '@nestjs/common';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, AppName, loadConfig, loadEnvFile } from '@projectionist/config';
import { JsonLogger, requestObserverMiddleware } from '@projectionist/observability';

/**
 * Starts one app: reads its configuration (the environment, and a `.env` file for local runs), logs as JSON, closes pools and channels on
 * SIGTERM/SIGINT (shutdown hooks) and listens on its PORT. Apps only say which module to run.
 */
export interface BootstrapOptions {
  /** Adds what a module cannot, before the app listens (e.g. the gateway's API docs). */
  readonly configure?: (app: INestApplication) => void;
  /**
   * The app's message handlers (`@EventPattern` controllers) run on this transport, connected
   * before the app listens so that no message arrives before its handler is registered.
   */
  readonly messages?: (app: INestApplication) => CustomTransportStrategy;
}

export async function bootstrap(
  app: AppName,
  rootModule: (config: AppConfig) => DynamicModule,
  options: BootstrapOptions = {},
): Promise<INestApplication> {
  const envFile = loadEnvFile();
  const config = loadConfig(app);
  const logger = new JsonLogger({ app, nodeId: config.nodeId, level: config.logLevel });
  if (envFile) logger.log({ msg: 'environment file read', path: envFile }, 'Bootstrap');
  try {
    const nest = await NestFactory.create<NestExpressApplication>(rootModule(config), { logger, bufferLogs: true });
    // Before the body parser: a body it refuses (400, 413) still gets a request id, a log line and its count.
    nest.use(requestObserverMiddleware());
    // Express's own default (100 kB) would refuse events well under EVENT_MAX_PAYLOAD_BYTES.
    nest.useBodyParser('json', { limit: config.httpMaxBodyBytes });
    nest.enableShutdownHooks();
    options.configure?.(nest);
    if (options.messages) {
      nest.connectMicroservice({ strategy: options.messages(nest) }, { inheritAppConfig: true });
      await nest.startAllMicroservices();
    }
    await nest.listen(config.port);
    logger.log({ msg: 'listening', port: config.port, namespace: config.namespace }, 'Bootstrap');
    return nest;
  } catch (error) {
    logger.error(error instanceof Error ? error : new Error(String(error)), 'Bootstrap');
    process.exit(1);
  }
}
