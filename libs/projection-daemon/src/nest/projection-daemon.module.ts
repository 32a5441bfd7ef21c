import { Controller, DynamicModule, Get, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { isAgentMessage, MessageEnvelope } from '@projectionist/messaging-contracts';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE, EVENT_STORE_POOL, EventStore, FeedNotifications } from '@projectionist/event-store';
import { MetricsEndpoint } from '@projectionist/observability';
import { checkProjectionSet, Projection } from '@projectionist/projections';
import { Pool } from 'pg';
import { ProjectionDaemon } from '../daemon/projection-daemon';
import { DistributedDaemon } from '../distributed/distributed-daemon';
import { HotColdDaemon } from '../hot-cold/hot-cold-daemon';
import { DaemonMetrics } from '../metrics/daemon-metrics';

export const PROJECTIONS = Symbol('PROJECTIONS');

/**
 * Wires the daemon into a worker: its distribution (DAEMON_DISTRIBUTION: agents spread over
 * workers by the coordinator, or HotCold election), NOTIFY wake-ups, and its lifecycle.
 */
@Injectable()
export class DaemonHost implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly daemon: ProjectionDaemon;
  /** Exactly one of the two, per DAEMON_DISTRIBUTION. */
  readonly hotCold: HotColdDaemon | undefined;
  readonly distributed: DistributedDaemon | undefined;
  readonly notifications: FeedNotifications;
  readonly metrics: DaemonMetrics;
  private readonly logger = new Logger('ProjectionDaemon');

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PROJECTIONS) projections: readonly Projection[],
    @Optional() private readonly metricsEndpoint?: MetricsEndpoint,
  ) {
    const d = config.daemon;
    this.daemon = new ProjectionDaemon({
      pool,
      store,
      namespace: config.namespace,
      nodeId: config.nodeId,
      projections,
      logger: this.logger,
      // Distributed: each version of a projection its own agent and lease, so a rolling deployment builds the new version beside the old one.
      leases: d.distribution === 'distributed' ? 'version' : 'projection',
      tuning: {
        pageSize: d.pageSize,
        rebuildPageSize: d.rebuildPageSize,
        rebuildCommitEvery: d.rebuildPageSize * 50,
        backpressure: { high: d.backpressureHigh, low: d.backpressureLow },
        pollIntervalMs: d.pollIntervalMs,
        liveReadGapMs: d.liveReadGapMs,
        swapLockTimeoutMs: d.swapLockTimeoutMs,
        heldBackWarnMs: d.heldBackWarnMs,
        keepPreviousMs: d.keepPreviousMs,
        onlineRebuildMaxEventsPerSecond: d.onlineRebuildMaxEventsPerSecond,
        testSwitchDelayMs: d.testSwitchDelayMs,
      },
    });
    const node = { databaseUrl: config.databaseUrl, namespace: config.namespace, nodeId: config.nodeId, daemon: this.daemon, logger: this.logger, keepAlive: config.databaseKeepAlive };
    if (d.distribution === 'distributed') {
      this.distributed = new DistributedDaemon({ ...node, leaseTtlMs: d.leaseTtlMs });
    } else {
      this.hotCold = new HotColdDaemon({ ...node, retryMinMs: d.standbyRetryMs.min, retryMaxMs: d.standbyRetryMs.max });
    }
    this.notifications = new FeedNotifications({ databaseUrl: config.databaseUrl, namespace: config.namespace, keepAlive: config.databaseKeepAlive });
    this.notifications.on('appended', () => this.daemon.notifyAppended());
    this.notifications.on('status', (status: string) => this.logger.log({ msg: 'feed notifications', status }));
    this.notifications.on('error', (error: Error) => this.logger.warn(`feed notifications: ${error.message}`));
    this.metrics = new DaemonMetrics(
      () => this.daemon.progress(),
      () => this.role === 'active',
      () => this.daemon.feed.heldBack,
    );
    metricsEndpoint?.include(this.metrics.registry);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.openTakeoverConnections();
    await this.notifications.start();
    this.hotCold?.start();
    this.distributed?.start();
  }

  /** HotCold: active, starting, standby or stopped; distributed: active once joined (running any agents it is given). */
  get role(): string {
    return this.distributed?.role ?? this.hotCold?.currentRole ?? 'stopped';
  }

  get activeSince(): number | undefined {
    return this.distributed ? this.distributed.activeSince : this.hotCold?.activeSince;
  }

  /** What the node registry's heartbeat says about this worker's daemon. */
  describe(): Record<string, unknown> {
    const base = { distribution: this.distributed ? 'distributed' : 'hotcold', activeSince: this.activeSince ?? null };
    if (!this.distributed) return { ...base, projections: this.daemon.progress().map((p) => p.name) };
    const agents = this.distributed.agents();
    return { ...base, capabilities: this.distributed.capabilities, agents, projections: agents.map((a) => a.agent.replace(/@\d+$/, '')) };
  }

  /**
   * Opens, while standing by, the connections a takeover needs (the claim and one per agent, all
   * at once): a new connection costs a connect and a warm-up, and a standby that had to open them
   * only once elected took about half a second longer to become active. The pool's `min` (set by
   * the worker) keeps them open while idle; a failure only costs that speed-up.
   */
  private async openTakeoverConnections(): Promise<void> {
    const clients = await Promise.all(Array.from({ length: this.daemon.asyncProjections.length + 1 }, () => this.pool.connect().catch(() => undefined)));
    for (const client of clients) client?.release();
  }

  async onApplicationShutdown(): Promise<void> {
    this.metricsEndpoint?.exclude(this.metrics.registry);
    await this.hotCold?.stop();
    await this.distributed?.stop();
    await this.notifications.close();
  }
}

@Controller()
class DaemonController {
  constructor(private readonly host: DaemonHost) {}

  /** This node's role and, when active, every projection's progress and what holds the feed back. */
  @Get('daemon')
  status(): object {
    const { daemon } = this.host;
    const active = this.host.role === 'active';
    return {
      role: this.host.role,
      distribution: this.host.distributed ? 'distributed' : 'hotcold',
      activeSince: this.host.activeSince ?? null,
      startMs: this.host.hotCold?.lastStartMs ?? null,
      agents: this.host.distributed?.agents() ?? null,
      feed: { heldBack: active ? daemon.feed.heldBack : null },
      // Distributed: only the projections this node runs (the others are another node's to report).
      projections: daemon.progress().filter((p) => !this.host.distributed || daemon.owns(p.name)),
    };
  }
}

/**
 * StartAgent and StopAgent from the coordinator leader, on this worker's control queue. Not
 * awaited: a start may wait up to a lease time for the previous holder, and the control consumer
 * must stay free meanwhile (for the stop that may cancel it, and for rebuild messages).
 */
@Controller()
class AgentMessagesController {
  constructor(private readonly host: DaemonHost) {}

  @EventPattern('StartAgent')
  start(@Payload() message: MessageEnvelope): void {
    if (isAgentMessage(message, 'StartAgent')) void this.host.distributed?.startAgent(message.payload.agent);
  }

  @EventPattern('StopAgent')
  stop(@Payload() message: MessageEnvelope): void {
    if (isAgentMessage(message, 'StopAgent')) void this.host.distributed?.stopAgent(message.payload.agent);
  }
}

@Module({})
export class ProjectionDaemonModule {
  static forRoot(projections: readonly Projection[]): DynamicModule {
    // While the app's modules are composed, before anything connects: a bad set stops the start.
    checkProjectionSet(projections);
    return {
      module: ProjectionDaemonModule,
      controllers: [DaemonController, AgentMessagesController],
      providers: [{ provide: PROJECTIONS, useValue: projections }, DaemonHost],
      exports: [DaemonHost],
    };
  }
}
