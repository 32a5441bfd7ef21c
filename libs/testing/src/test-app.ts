import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, AppName, loadConfig } from '@projectionist/config';
import { createTestNamespace, TestNamespace } from './test-namespace';
import { createTestVhost } from './test-vhost';

export interface TestApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly db: TestNamespace;
  close(): Promise<void>;
}

/** Boots one app's root module in-process on a random port, in a namespace and RabbitMQ vhost of its own. */
export async function startTestApp(
  name: AppName,
  rootModule: (config: AppConfig) => DynamicModule,
  env: Record<string, string> = {},
  configure?: (app: INestApplication) => void,
): Promise<TestApp> {
  const db = await createTestNamespace(name);
  const vhost = await createTestVhost(name);
  const config = loadConfig(name, { NAMESPACE: db.namespace, DATABASE_URL: db.databaseUrl, AMQP_URL: vhost.url, PORT: '0', ...env });
  const app = await NestFactory.create<NestExpressApplication>(rootModule(config), { logger: false });
  app.useBodyParser('json', { limit: config.httpMaxBodyBytes }); // as bootstrap() does
  configure?.(app);
  try {
    await app.listen(0);
  } catch (error) {
    // An app that fails to start still holds pools and timers: close it, or the test run hangs.
    await app.close().catch(() => undefined);
    await db.drop();
    await vhost.drop();
    throw error;
  }
  return {
    app,
    config,
    db,
    async close() {
      await app.close();
      await db.drop();
      await vhost.drop();
    },
  };
}
