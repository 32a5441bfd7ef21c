import type { RebuildRun } from '@projectionist/rebuild-state';

export const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Operators must always be able to act, above all during a rebuild: admin routes are never held. */
export const UNGUARDED_PREFIXES = ['/api/admin', '/api/streams', '/health', '/docs'];
export const RETRY_AFTER_SECONDS = 5;

/** Pure decision: does this request have to wait for a blocking rebuild? Returns the run holding it. */
export function holdingRun(method: string, path: string, active: readonly RebuildRun[]): RebuildRun | undefined {
  if (!WRITE_METHODS.has(method.toUpperCase())) return undefined;
  if (UNGUARDED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return undefined;
  return active.find((run) => run.mode === 'blocking');
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
