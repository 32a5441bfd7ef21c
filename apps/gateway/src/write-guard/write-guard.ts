import type { WriteGuardScope } from '@projectionist/config';
import type { RebuildRun } from '@projectionist/rebuild-state';

export const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Operators must always be able to act, above all during a rebuild: admin routes are never held. */
export const UNGUARDED_PREFIXES = ['/api/admin', '/api/streams', '/health', '/docs'];
export const RETRY_AFTER_SECONDS = 5;

export interface GuardedRequest {
  readonly method: string;
  readonly path: string;
  /** Event types the route may append; undefined when the route does not declare them. */
  readonly produces?: readonly string[];
}

export interface GuardPolicy {
  readonly scope: WriteGuardScope;
  /** Event types a projection consumes; undefined for a projection this node does not know. */
  readonly feeds: (projection: string) => readonly string[] | undefined;
}

/**
 * Pure decision: does this request have to wait for a blocking rebuild? Returns the run holding it.
 * With scope `projection`, a write is held only when what it appends feeds the rebuilding
 * projection; a route or projection whose event types are unknown is held (never open on a guess).
 */
export function holdingRun(request: GuardedRequest, active: readonly RebuildRun[], policy: GuardPolicy): RebuildRun | undefined {
  if (!WRITE_METHODS.has(request.method.toUpperCase())) return undefined;
  if (UNGUARDED_PREFIXES.some((prefix) => request.path === prefix || request.path.startsWith(`${prefix}/`))) return undefined;
  return active.find((run) => run.mode === 'blocking' && (policy.scope === 'all' || feedsRun(request.produces, policy.feeds(run.projection))));
}

function feedsRun(produces: readonly string[] | undefined, consumed: readonly string[] | undefined): boolean {
  if (!produces || !consumed) return true;
  return produces.some((type) => consumed.includes(type));
}

export function heldBody(run: RebuildRun): object {
  return {
    statusCode: 503,
    error: 'WRITES_HELD',
    message: `Writes are held while ${run.projection} is rebuilt (${run.phase}); retry after ${RETRY_AFTER_SECONDS} s.`,
    projection: run.projection,
    rebuildId: run.id,
    phase: run.phase,
    progress: run.progress,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  };
}
