import { LeaderElection } from '@projectionist/leader-election';
import { DaemonLock, SubscriptionLogger } from '@projectionist/projection-daemon';
import { ReactorRunner } from './reactor-runner';

export interface HotColdReactorsOptions {
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly nodeId: string;
  readonly runner: ReactorRunner;
  readonly logger: SubscriptionLogger;
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * Several worker replicas, one running the reactors: elected over its own lock (`reactors`), apart
 * from the projection daemon's, so that neither's failover waits for the other. Each reactor's
 * lease epoch fences a node that lost the lock while a batch was in flight.
 */
export class HotColdReactors {
  private readonly election: LeaderElection;

  constructor(options: HotColdReactorsOptions) {
    const { runner, logger } = options;
    this.election = new LeaderElection({
      lock: new DaemonLock(options.databaseUrl, options.namespace, options.nodeId, 'reactors'),
      name: 'reactors',
      logger,
      context: 'HotColdReactors',
      retryMinMs: options.retryMinMs,
      retryMaxMs: options.retryMaxMs,
      onElected: async () => {
        await runner.start();
        logger.log({ msg: 'reactors active', node: options.nodeId, reactors: runner.names }, 'HotColdReactors');
      },
      onDemoted: async (reason) => {
        logger.warn({ msg: 'reactors standing down', reason }, 'HotColdReactors');
        await runner.stop();
      },
    });
  }

  get role(): 'standby' | 'starting' | 'active' | 'stopped' {
    const role = this.election.role;
    return role === 'leader' ? 'active' : role;
  }

  start(): void {
    this.election.start();
  }

  stepDown(reason: string): void {
    this.election.stepDown(reason);
  }

  stop(): Promise<void> {
    return this.election.stop();
  }
}
