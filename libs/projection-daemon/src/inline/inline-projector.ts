import { AppendOptions, AppendResult, NewEvent, PostgresEventStore } from '@projectionist/event-store';
import { Projection } from '@projectionist/projections';
import { Pool } from 'pg';
import { writeProjectionBatch } from '../agent/write-projection-batch';
import { ensureProjectionTables } from '../storage/projection-tables';
import { projectionTarget, ProjectionTarget } from '../storage/projection-target';

/**
 * Inline mode (opt-in): the projections are updated in the appending transaction, so a reader
 * never sees the event without its projection. A projection that throws fails the append and
 * nothing is written. The price is on the write path, which is why async is the default.
 */
export class InlineProjector {
  private readonly targets: ProjectionTarget[];

  constructor(
    private readonly store: PostgresEventStore,
    private readonly pool: Pool,
    namespace: string,
    projections: readonly Projection[],
  ) {
    this.targets = projections.filter((p) => p.mode === 'inline').map((p) => projectionTarget(namespace, p, 'live'));
  }

  /** Creates the inline projections' tables and views when missing. */
  async init(): Promise<void> {
    await ensureProjectionTables(this.pool, this.targets);
  }

  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    return this.store.transaction(async (session) => {
      const result = await session.appendRecorded(streamId, events, options);
      for (const target of this.targets) {
        const types = new Set(target.projection.eventTypes);
        const relevant = result.recorded.filter((e) => types.has(e.type));
        if (relevant.length > 0) await writeProjectionBatch(session.client, target, relevant);
      }
      return result;
    });
  }
}
