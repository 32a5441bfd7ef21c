import { DEFAULT_REBUILD_POLICY, handle, isActive, RebuildCommand, RebuildPolicy, RebuildRejected, RebuildRun, RebuildStateSnapshot, RebuildTransition } from '@projectionist/rebuild-state';
import { RebuildRunStorePort } from './rebuild-run-store.port';

export interface InMemoryRebuildRunStoreOptions {
  readonly policy?: RebuildPolicy;
  /** The time of a decision made without an explicit `now`; tests pass a clock they move. */
  readonly clock?: () => number;
}

/** Rebuild runs in memory, held to the same `rebuildRunStoreContract` as RebuildRunStore. */
export class InMemoryRebuildRunStore implements RebuildRunStorePort {
  private readonly runs = new Map<string, RebuildRun>();
  private readonly phases = new Map<string, { phase: string; at: number }[]>();
  private readonly policy: RebuildPolicy;
  private readonly clock: () => number;
  private changes = 0;

  constructor(options: InMemoryRebuildRunStoreOptions = {}) {
    this.policy = options.policy ?? DEFAULT_REBUILD_POLICY;
    this.clock = options.clock ?? Date.now;
  }

  async request(command: Extract<RebuildCommand, { kind: 'Request' }>, now = this.clock()): Promise<RebuildRun> {
    const active = [...this.runs.values()].find((r) => r.projection === command.projection && isActive(r));
    const { run, transitions } = handle(active, command, now, this.policy);
    if (this.runs.has(run.id)) throw new RebuildRejected('REBUILD_ALREADY_RUNNING', `A run ${run.id} exists already`, run.id);
    this.runs.set(run.id, run);
    this.phases.set(run.id, []);
    this.record(run.id, transitions);
    this.changes += 1;
    return copy(run);
  }

  async apply(id: string, command: Exclude<RebuildCommand, { kind: 'Request' }>, now = this.clock()): Promise<{ run: RebuildRun; transitions: RebuildTransition[] }> {
    const current = this.runs.get(id);
    if (!current) throw new RangeError(`No rebuild run ${id}`);
    const result = handle(current, command, now, this.policy);
    if (result.transitions.length > 0) {
      this.runs.set(id, result.run);
      this.record(id, result.transitions);
      this.changes += 1;
    }
    return { run: copy(result.run), transitions: result.transitions };
  }

  async get(id: string): Promise<RebuildRun | undefined> {
    const run = this.runs.get(id);
    return run && copy(run);
  }

  async history(id: string): Promise<{ phase: string; at: number }[]> {
    return [...(this.phases.get(id) ?? [])];
  }

  async list(limit = 100): Promise<RebuildRun[]> {
    return [...this.runs.values()].sort((a, b) => b.requestedAt - a.requestedAt).slice(0, limit).map(copy);
  }

  async active(): Promise<RebuildRun[]> {
    return [...this.runs.values()].filter(isActive).map(copy);
  }

  async snapshot(): Promise<RebuildStateSnapshot> {
    return { version: this.changes, runs: await this.active() };
  }

  async version(): Promise<number> {
    return this.changes;
  }

  private record(id: string, transitions: readonly RebuildTransition[]): void {
    for (const t of transitions) if (t.kind === 'Entered') this.phases.get(id)?.push({ phase: t.phase, at: t.at });
  }
}

/** As read back from a database: callers never hold the stored object. */
function copy(run: RebuildRun): RebuildRun {
  return structuredClone(run);
}
