import { DynamicModule, Inject, Injectable, Logger, Module, ModuleMetadata, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE_POOL } from '@projectionist/event-store';
import type { Pool } from 'pg';
import { NodeDescription, NodeRegistry } from '../registry/node-registry';

export const NODE_DESCRIBER = Symbol('NODE_DESCRIBER');
export const NODE_REGISTRY = Symbol('NODE_REGISTRY');

@Injectable()
class NodeRegistryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(NODE_REGISTRY) private readonly registry: NodeRegistry) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.registry.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.registry.stop().catch(() => undefined);
  }
}

export interface NodeRegistryModuleOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: unknown[];
  /** Returns how the node describes itself at each heartbeat. */
  readonly useFactory: (...deps: never[]) => () => NodeDescription;
}

/** Puts the app on the cluster map (GET /api/admin/nodes): a heartbeat row with its role. */
@Module({})
export class NodeRegistryModule {
  static forRoot(options: NodeRegistryModuleOptions): DynamicModule {
    const logger = new Logger('NodeRegistry');
    return {
      module: NodeRegistryModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: NODE_DESCRIBER, inject: (options.inject ?? []) as never[], useFactory: options.useFactory },
        {
          provide: NODE_REGISTRY,
          inject: [APP_CONFIG, EVENT_STORE_POOL, NODE_DESCRIBER],
          useFactory: (config: AppConfig, pool: Pool, describe: () => NodeDescription) =>
            new NodeRegistry({
              pool,
              namespace: config.namespace,
              nodeId: config.nodeId,
              app: config.app,
              port: config.port,
              intervalMs: config.nodeHeartbeatMs,
              describe,
              onError: (error) => logger.warn(`heartbeat failed: ${error.message}`),
            }),
        },
        NodeRegistryLifecycle,
      ],
      exports: [NODE_REGISTRY],
    };
  }
}
