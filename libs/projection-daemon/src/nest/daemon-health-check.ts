import type { HealthCheck } from '@projectionist/observability';
import type { DaemonHost } from './projection-daemon.module';

/**
 * Readiness of a worker: its daemon takes part in the HotCold election, either running the
 * projections (`active`, or `starting` while it takes over) or ready to take over (`standby`);
 * distributed, it has joined (`active`, running what it is assigned) or is joining (`standby`).
 * Lag and a projection in error are not failures here: another replica would not fix them, and
 * they are reported on /daemon and /metrics.
 */
export function daemonHealthCheck(host: DaemonHost): HealthCheck {
  return {
    name: 'daemon',
    check: async () => {
      const role = host.role;
      if (role === 'stopped') throw new Error('the daemon is stopped (the worker is shutting down)');
      const states: Record<string, string> = {};
      for (const p of host.daemon.progress()) states[p.name] = p.state;
      return { role, projections: states };
    },
  };
}
