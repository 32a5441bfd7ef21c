import { Controller, DynamicModule, Get, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE, EVENT_STORE_POOL, EventStore, FeedNotifications } from '@projectionist/event-store';
import { MetricsEndpoint } from '@projectionist/observability';
import { checkProjectionSet, Projection } from '@projectionist/projections';
import { Pool } from 'pg';
import { ProjectionDaemon } from '../daemon/projection-daemon';
import { HotColdDaemon } from '../hot-cold/hot-cold-daemon';
import { DaemonMetrics } from '../metrics/daemon-metrics';

export const PROJECTIONS = Symbol('PROJECTIONS');

/** Wires the daemon into a worker: HotCold election, NOTIFY wake-ups, and its lifecycle. */
@Injectable()
export class DaemonHost implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly daemon: ProjectionDaemon;
  readonly hotCold: HotColdDaemon;
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
      tuning: {
        pageSize: d.pageSize,
        rebuildPageSize: d.rebuildPageSize,
        rebuildCommitEvery: d.rebuildPageSize * 50,
        backpressure: { high: d.backpressureHigh, low: d.backpressureLow },
        pollIntervalMs: d.pollIntervalMs,
        swapLockTimeoutMs: d.swapLockTimeoutMs,
        heldBackWarnMs: d.heldBackWarnMs,
        keepPreviousMs: d.keepPreviousMs,
        testSwitchDelayMs: d.testSwitchDelayMs,
      },
    });
    this.hotCold = new HotColdDaemon({
      databaseUrl: config.databaseUrl,
      namespace: config.namespace,
      nodeId: config.nodeId,
      daemon: this.daemon,
      logger: this.logger,
      retryMinMs: d.standbyRetryMs.min,
      retryMaxMs: d.standbyRetryMs.max,
      keepAlive: config.databaseKeepAlive,
    });
    this.notifications = new FeedNotifications({ databaseUrl: config.databaseUrl, namespace: config.namespace, keepAlive: config.databaseKeepAlive });
    this.notifications.on('appended', () => this.daemon.notifyAppended());
    this.notifications.on('status', (status: string) => this.logger.log({ msg: 'feed notifications', status }));
    this.notifications.on('error', (error: Error) => this.logger.warn(`feed notifications: ${error.message}`));
    this.metrics = new DaemonMetrics(
      () => this.daemon.progress(),
      () => this.hotCold.currentRole === 'active',
      () => this.daemon.feed.heldBack,
    );
    metricsEndpoint?.include(this.metrics.registry);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.openTakeoverConnections();
    await this.notifications.start();
    this.hotCold.start();
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
    await this.hotCold.stop();
    await this.notifications.close();
  }
}

@Controller()
class DaemonController {
  constructor(private readonly host: DaemonHost) {}

  /** This node's role and, when active, every projection's progress and what holds the feed back. */
  @Get('daemon')
  status(): object {
    const { hotCold, daemon } = this.host;
    const active = hotCold.currentRole === 'active';
    return {
      role: hotCold.currentRole,
      activeSince: hotCold.activeSince ?? null,
      startMs: hotCold.lastStartMs ?? null,
      feed: { heldBack: active ? daemon.feed.heldBack : null },
      projections: daemon.progress(),
    };
  }
}

@Module({})
export class ProjectionDaemonModule {
  static forRoot(projections: readonly Projection[]): DynamicModule {
    // While the app's modules are composed, before anything connects: a bad set stops the start.
    checkProjectionSet(projections);
    return {
      module: ProjectionDaemonModule,
      controllers: [DaemonController],
      providers: [{ provide: PROJECTIONS, useValue: projections }, DaemonHost],
      exports: [DaemonHost],
    };
  }
}
