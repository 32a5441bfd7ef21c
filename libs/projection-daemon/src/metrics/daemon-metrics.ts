import { FeedHoldBack } from '@projectionist/event-store';
import { Gauge, Registry } from 'prom-client';
import { ProjectionProgress } from '../daemon/projection-progress';

const STATES = ['running', 'paused', 'rebuilding', 'error', 'stopped'] as const;

/**
 * Prometheus gauges for every projection, refreshed from the daemon's progress on each scrape. A
 * registry of its own, which the worker adds to its GET /metrics (MetricsEndpoint.include).
 */
export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly position: Gauge;
  private readonly head: Gauge;
  private readonly lagEvents: Gauge;
  private readonly lagSeconds: Gauge;
  private readonly rate: Gauge;
  private readonly state: Gauge;
  private readonly active: Gauge;
  private readonly rebuildProcessed: Gauge;
  private readonly rebuildTotal: Gauge;
  private readonly heldBackSeconds: Gauge;

  constructor(
    private readonly progress: () => readonly ProjectionProgress[],
    private readonly isActive: () => boolean,
    private readonly heldBack: () => FeedHoldBack | null = () => null,
  ) {
    const labelNames = ['projection', 'version'] as const;
    const gauge = (name: string, help: string, labels: readonly string[] = labelNames) =>
      new Gauge({ name, help, labelNames: labels, registers: [this.registry] });
    this.position = gauge('projectionist_projection_position', 'Highest global position applied');
    this.head = gauge('projectionist_projection_head', 'Highest committed global position in the store');
    this.lagEvents = gauge('projectionist_projection_lag_events', 'Events committed but not yet applied');
    this.lagSeconds = gauge('projectionist_projection_lag_seconds', 'Age of the newest applied event while behind');
    this.rate = gauge('projectionist_projection_events_per_second', 'Events applied per second (smoothed)');
    this.state = gauge('projectionist_projection_state', '1 for the current state of the projection', ['projection', 'version', 'state']);
    this.rebuildProcessed = gauge('projectionist_rebuild_processed_events', 'Events replayed by the running rebuild');
    this.rebuildTotal = gauge('projectionist_rebuild_total_events', 'Events the running rebuild has to replay');
    this.heldBackSeconds = new Gauge({
      name: 'projectionist_feed_held_back_seconds',
      help: 'How long committed events have waited behind a transaction still open on the server (0 when none wait)',
      registers: [this.registry],
    });
    // Read when the registry is collected, so every scrape sees the daemon as it is then.
    const refresh = () => this.refresh();
    this.active = new Gauge({ name: 'projectionist_daemon_active', help: '1 when this node runs the daemon (HotCold)', registers: [this.registry], collect: refresh });
  }

  private refresh(): void {
    const active = this.isActive();
    this.active.set(active ? 1 : 0);
    // Only the active node watches the feed; a standby's last reading would be stale.
    this.heldBackSeconds.set(active ? (this.heldBack()?.heldBackMs ?? 0) / 1000 : 0);
    for (const p of this.progress()) {
      const labels = { projection: p.name, version: String(p.version) };
      this.position.set(labels, p.position);
      this.head.set(labels, p.head);
      this.lagEvents.set(labels, p.lagEvents);
      this.lagSeconds.set(labels, p.lagMs / 1000);
      this.rate.set(labels, p.eventsPerSecond);
      for (const state of STATES) this.state.set({ ...labels, state }, p.state === state ? 1 : 0);
      this.rebuildProcessed.set(labels, p.rebuild?.processed ?? 0);
      this.rebuildTotal.set(labels, p.rebuild?.total ?? 0);
    }
  }
}
