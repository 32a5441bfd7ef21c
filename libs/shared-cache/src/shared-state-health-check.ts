import type { HealthCheck } from '@projectionist/observability';
import type { RebuildBoardPort } from './rebuild-board.port';

/**
 * Readiness: the shared rebuild state is read from Redis. Never required: while Redis is down
 * every answer comes from PostgreSQL (slower, still right), so the app is degraded, not unready.
 */
export function sharedStateHealthCheck(board: Pick<RebuildBoardPort, 'isLive'>): HealthCheck {
  return {
    name: 'redis',
    required: false,
    check: async () => {
      if (!board.isLive) throw new Error('Redis is unreachable: the shared rebuild state is read from PostgreSQL meanwhile');
    },
  };
}
