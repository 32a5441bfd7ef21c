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
  await app.listen(0);
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
