import type { RebuildRun } from '@projectionist/rebuild-state';
import { RebuildBoardFallback } from './rebuild-board.port';

/**
 * The durable answer while a board is not live, reused for `fallbackTtlMs`: every guarded write
 * asks, and PostgreSQL should see a few queries a second, not one per request.
 */
export class CachedFallback {
  private cache: { at: number; runs: Promise<RebuildRun[]> } | undefined;

  constructor(private readonly options: RebuildBoardFallback) {}

  read(): Promise<RebuildRun[]> {
    const now = Date.now();
    if (!this.cache || now - this.cache.at > (this.options.fallbackTtlMs ?? 250)) {
      this.cache = { at: now, runs: this.options.fallback().then((snapshot) => snapshot.runs) };
    }
    return this.cache.runs;
  }
}
