import { DynamicModule, Inject, Injectable, Logger, Module, ModuleMetadata, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE_POOL } from '@projectionist/event-store';
import { AMQP_BROKER, MessageBroker } from '@projectionist/messaging';
import type { Pool } from 'pg';
import { AgentAssigner } from '../assigner/agent-assigner';

const IS_LEADER = Symbol('IS_LEADER');
export const AGENT_ASSIGNER = Symbol('AGENT_ASSIGNER');

@Injectable()
class AgentAssignerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(AGENT_ASSIGNER) private readonly assigner: AgentAssigner) {}
  onApplicationBootstrap(): void {
    this.assigner.start();
  }
  onApplicationShutdown(): void {
    this.assigner.stop();
  }
}

export interface AgentAssignerModuleOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: unknown[];
  /** Returns whether this node leads now: only the leader assigns. */
  readonly isLeader: (...deps: never[]) => () => boolean;
}

/** The coordinator's agent assignment: every replica watches, the leader plans and sends (AgentAssigner). */
@Module({})
export class AgentAssignerModule {
  static forRoot(options: AgentAssignerModuleOptions): DynamicModule {
    return {
      module: AgentAssignerModule,
      imports: options.imports ?? [],
      providers: [
        { provide: IS_LEADER, inject: (options.inject ?? []) as never[], useFactory: options.isLeader },
        {
          provide: AGENT_ASSIGNER,
          inject: [APP_CONFIG, EVENT_STORE_POOL, AMQP_BROKER, IS_LEADER],
          useFactory: (config: AppConfig, pool: Pool, broker: MessageBroker, isLeader: () => boolean) =>
            new AgentAssigner({
              pool,
              broker,
              isLeader,
              namespace: config.namespace,
              nodeId: config.nodeId,
              logger: new Logger('AgentAssigner'),
              deadAfterMs: config.agents.deadAfterMs,
              planIntervalMs: config.agents.planIntervalMs,
              maxAgentsPerNode: config.agents.maxPerNode,
            }),
        },
        AgentAssignerLifecycle,
      ],
      exports: [AGENT_ASSIGNER],
    };
  }
}
